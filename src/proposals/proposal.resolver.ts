import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { partySize } from '../booking/booking-rules';
import { Booking } from '../booking/booking.entity';
import { Party } from '../booking/booking.inputs';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { byStart, Slot } from '../scheduling/slot.entity';
import { Proposal } from './proposal.entity';
import { ProposalStatus } from './proposal.enums';
import { ProposalInput } from './proposal.inputs';
import type { ProposalService } from './proposal.service';
import { listCost, MAX_ROWS } from '../core/limits';

@Resolver(() => Proposal)
export class ProposalResolver {
  constructor(private readonly proposalService: ProposalService) {}

  @Authorized()
  @Query(() => [Proposal], {
    description: `incoming: true lists the proposals on the caller's services; false, the caller's own. Newest first; at most ${MAX_ROWS.proposals}.`,
    complexity: listCost(10),
  })
  proposals(
    @Ctx() ctx: RequestContext,
    @Arg('incoming', () => Boolean) incoming: boolean,
    @Arg('status', () => ProposalStatus, { nullable: true }) status?: ProposalStatus | null,
  ): Promise<Proposal[]> {
    return this.proposalService.list(ctx, incoming, status);
  }

  @Authorized()
  @Mutation(() => Proposal)
  propose(@Ctx() ctx: RequestContext, @Arg('input', () => ProposalInput) input: ProposalInput): Promise<Proposal> {
    return this.proposalService.propose(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Proposal)
  acceptProposal(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Proposal> {
    return this.proposalService.accept(ctx, id);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Proposal)
  declineProposal(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<Proposal> {
    return this.proposalService.decline(ctx, id, reason);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Proposal, { description: 'The provider offers other slots of the service instead (COUNTERED).' })
  counterPropose(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('slotIds', () => [ID]) slotIds: string[],
    @Arg('message', () => String, { nullable: true }) message?: string | null,
  ): Promise<Proposal> {
    return this.proposalService.counter(ctx, id, slotIds, message);
  }

  @Authorized()
  @Mutation(() => Proposal, { description: "The customer books the provider's counter-offer, as acceptProposal would." })
  acceptCounterProposal(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Proposal> {
    return this.proposalService.acceptCounter(ctx, id);
  }

  @Authorized()
  @Mutation(() => Proposal)
  withdrawProposal(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Proposal> {
    return this.proposalService.withdraw(ctx, id);
  }

  @FieldResolver(() => Service)
  service(@Root() proposal: Proposal): Promise<Service> {
    return proposal.service.loadOrFail();
  }

  @FieldResolver(() => User)
  customer(@Root() proposal: Proposal): Promise<User> {
    return proposal.customer.loadOrFail();
  }

  @FieldResolver(() => [Slot], { complexity: listCost(1) })
  async slots(@Root() proposal: Proposal): Promise<Slot[]> {
    return (await proposal.slots.load()).getItems().sort(byStart);
  }

  @FieldResolver(() => [Slot], { description: "The provider's counter-offer, when COUNTERED (and after it was accepted)." })
  async counterSlots(@Root() proposal: Proposal): Promise<Slot[]> {
    return (await proposal.counterSlots.load()).getItems().sort(byStart);
  }

  @FieldResolver(() => Party)
  party(@Root() proposal: Proposal): Party {
    return { adults: proposal.adults, children: proposal.children, infants: proposal.infants, total: partySize(proposal) };
  }

  @FieldResolver(() => Booking, { nullable: true })
  booking(@Root() proposal: Proposal): Promise<Booking | null> | null {
    return proposal.booking ? proposal.booking.load() : null;
  }
}
