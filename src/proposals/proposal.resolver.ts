import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { MAX_SLOTS_PER_BOOKING, partySize } from '../booking/booking-rules';
import { Booking } from '../booking/booking.entity';
import { Party, PriceBreakdown } from '../booking/booking.inputs';
import { priceOf } from '../booking/pricing';
import { AgreedTermsView, priceBreakdown, termsView } from '../booking/terms.types';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { byStart, Slot } from '../scheduling/slot.entity';
import { Proposal } from './proposal.entity';
import { ProposalStatus } from './proposal.enums';
import { ProposalInput } from './proposal.inputs';
import type { ProposalService } from './proposal.service';
import { listCost, MAX_ROWS } from '../graphql/limits';

@Resolver(() => Proposal)
export class ProposalResolver {
  constructor(private readonly proposalService: ProposalService) {}

  @Authorized()
  @Query(() => [Proposal], {
    description: `incoming: true lists the proposals on the caller's services; false, the caller's own. Newest first; at most ${MAX_ROWS.proposals}.`,
    complexity: listCost(10, MAX_ROWS.proposals),
  })
  proposals(
    @Ctx() ctx: RequestContext,
    @Arg('incoming', () => Boolean, {
      description:
        "true: the proposals customers made on the caller's services (a provider; an admin sees all); false: the proposals the caller made.",
    })
    incoming: boolean,
    @Arg('status', () => ProposalStatus, {
      description: 'Only proposals in this status; all statuses when omitted.',
      nullable: true,
    })
    status?: ProposalStatus | null,
  ): Promise<Proposal[]> {
    return this.proposalService.list(ctx, incoming, status);
  }

  @Authorized()
  @Mutation(() => Proposal, {
    description:
      'A customer asks for slots of an APPROVAL service (checked like `book`, no seats taken); the provider answers before expiresAt.',
  })
  propose(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ProposalInput, { description: 'The slots, party and message.' }) input: ProposalInput,
  ): Promise<Proposal> {
    return this.proposalService.propose(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Proposal, {
    description:
      'The provider (or an admin) accepts a PENDING proposal: seats are taken and a booking is made as `book` would, at the price proposed (CAPACITY_EXCEEDED if gone). For another price, counterPropose with it.',
  })
  acceptProposal(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The proposal.' }) id: string,
  ): Promise<Proposal> {
    return this.proposalService.accept(ctx, id);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Proposal, { description: 'The provider (or an admin) declines a PENDING proposal.' })
  declineProposal(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The proposal.' }) id: string,
    @Arg('reason', () => String, { description: 'Why, told to the customer.', nullable: true }) reason?: string | null,
  ): Promise<Proposal> {
    return this.proposalService.decline(ctx, id, reason);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Proposal, {
    description:
      'The provider offers other slots of the service (or the same ones), at their price today or another adult price per slot, instead (COUNTERED).',
  })
  counterPropose(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The PENDING proposal.' }) id: string,
    @Arg('slotIds', () => [ID], { description: 'Other slots of the same service offered instead.' }) slotIds: string[],
    @Arg('message', () => String, { description: 'A message to the customer with the offer.', nullable: true })
    message?: string | null,
    @Arg('priceAmount', () => String, {
      nullable: true,
      description:
        'Another adult price per slot for the offer, a decimal in the service\'s currency (e.g. "30.00"); omitted: each slot\'s price today. The customer who accepts pays it.',
    })
    priceAmount?: string | null,
  ): Promise<Proposal> {
    return this.proposalService.counter(ctx, id, slotIds, message, priceAmount);
  }

  @Authorized()
  @Mutation(() => Proposal, {
    description: "The customer books the provider's counter-offer at its price, as acceptProposal would.",
  })
  acceptCounterProposal(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The COUNTERED proposal.' }) id: string,
  ): Promise<Proposal> {
    return this.proposalService.acceptCounter(ctx, id);
  }

  @Authorized()
  @Mutation(() => Proposal, { description: 'The customer withdraws a PENDING or COUNTERED proposal.' })
  withdrawProposal(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The proposal.' }) id: string,
  ): Promise<Proposal> {
    return this.proposalService.withdraw(ctx, id);
  }

  @FieldResolver(() => Service, { description: 'The service asked for.' })
  service(@Root() proposal: Proposal): Promise<Service> {
    return proposal.service.loadOrFail();
  }

  @FieldResolver(() => User, { description: 'The customer who proposed.' })
  customer(@Root() proposal: Proposal): Promise<User> {
    return proposal.customer.loadOrFail();
  }

  @FieldResolver(() => [Slot], {
    description: `The slots asked for, by start; at most ${MAX_SLOTS_PER_BOOKING}.`,
    complexity: listCost(1, MAX_SLOTS_PER_BOOKING),
  })
  async slots(@Root() proposal: Proposal): Promise<Slot[]> {
    return (await proposal.slots.load()).getItems().sort(byStart);
  }

  @FieldResolver(() => [Slot], {
    description: `The provider's counter-offer, when COUNTERED (and after it was accepted); at most ${MAX_SLOTS_PER_BOOKING} slots.`,
    complexity: listCost(1, MAX_SLOTS_PER_BOOKING),
  })
  async counterSlots(@Root() proposal: Proposal): Promise<Slot[]> {
    return (await proposal.counterSlots.load()).getItems().sort(byStart);
  }

  @FieldResolver(() => Party, { description: 'Who would come.' })
  party(@Root() proposal: Proposal): Party {
    return {
      adults: proposal.adults,
      children: proposal.children,
      infants: proposal.infants,
      total: partySize(proposal),
    };
  }

  @FieldResolver(() => AgreedTermsView, {
    description: 'The rates, currency and cancellation policy the customer proposed at: accepting books at them.',
  })
  terms(@Root() proposal: Proposal): AgreedTermsView {
    return termsView(proposal.terms);
  }

  @FieldResolver(() => PriceBreakdown, {
    description: 'What the proposal costs, priced when it was made: accepting it books at this price.',
  })
  price(@Root() proposal: Proposal): PriceBreakdown {
    return priceBreakdown(priceOf(proposal.lines, proposal.terms.currency), proposal.lines, proposal.terms.currency);
  }

  @FieldResolver(() => AgreedTermsView, {
    nullable: true,
    description: "The terms of the provider's counter-offer; null when there is none.",
  })
  counterTerms(@Root() proposal: Proposal): AgreedTermsView | null {
    return proposal.counterTerms ? termsView(proposal.counterTerms) : null;
  }

  @FieldResolver(() => PriceBreakdown, {
    nullable: true,
    description: "What the provider's counter-offer costs: accepting it books at this price. Null when there is none.",
  })
  counterPrice(@Root() proposal: Proposal): PriceBreakdown | null {
    const { counterLines: lines, counterTerms: terms } = proposal;
    return lines && terms ? priceBreakdown(priceOf(lines, terms.currency), lines, terms.currency) : null;
  }

  @FieldResolver(() => Booking, { description: 'The booking made when it was accepted; null before.', nullable: true })
  booking(@Root() proposal: Proposal): Promise<Booking | null> | null {
    return proposal.booking ? proposal.booking.load() : null;
  }
}
