import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { Booking } from '../booking/booking.entity';
import { PriceBreakdown } from '../booking/booking.inputs';
import { priceOf } from '../booking/pricing';
import { AgreedTermsView, priceBreakdown, termsView } from '../booking/terms.types';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { Slot } from '../scheduling/slot.entity';
import { WaitlistEntry } from './waitlist-entry.entity';
import { WaitlistStatus } from './waitlist.enums';
import { WaitlistInput } from './waitlist.inputs';
import type { WaitlistService } from './waitlist.service';
import { listCost, MAX_ROWS } from '../graphql/limits';

@Resolver(() => WaitlistEntry)
export class WaitlistResolver {
  constructor(private readonly waitlist: WaitlistService) {}

  @Authorized()
  @Query(() => [WaitlistEntry], {
    description: `The caller's waitlist entries, newest first; at most ${MAX_ROWS.myWaitlist}.`,
    complexity: listCost(10, MAX_ROWS.myWaitlist),
  })
  myWaitlist(@Ctx() ctx: RequestContext): Promise<WaitlistEntry[]> {
    return this.waitlist.mine(ctx);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [WaitlistEntry], {
    description: `A service's waitlist in offer order (ACTIVE and OFFERED entries unless a status is given); for its provider and admins. At most ${MAX_ROWS.serviceWaitlist}.`,
    complexity: listCost(10, MAX_ROWS.serviceWaitlist),
  })
  serviceWaitlist(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, {
      description: 'The service whose waitlist is read; its provider or an admin only (else FORBIDDEN).',
    })
    serviceId: string,
    @Arg('status', () => WaitlistStatus, {
      description: 'Only entries in this status; ACTIVE and OFFERED entries when omitted.',
      nullable: true,
    })
    status?: WaitlistStatus | null,
  ): Promise<WaitlistEntry[]> {
    return this.waitlist.ofService(ctx, serviceId, status);
  }

  @Authorized()
  @Mutation(() => WaitlistEntry, {
    description:
      'A customer queues for one slot or for a local date of a service; offered freed seats in order of priority, then age.',
  })
  joinWaitlist(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => WaitlistInput, { description: 'What to queue for.' }) input: WaitlistInput,
  ): Promise<WaitlistEntry> {
    return this.waitlist.join(ctx, input);
  }

  @Authorized()
  @Mutation(() => WaitlistEntry, {
    description: 'The customer leaves the waitlist (an offer it holds is released to the next entry).',
  })
  leaveWaitlist(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The entry.' }) id: string,
  ): Promise<WaitlistEntry> {
    return this.waitlist.leave(ctx, id);
  }

  @Authorized()
  @Mutation(() => Booking, {
    description:
      "The customer turns an OFFERED entry's held seats into a booking before offerExpiresAt (the entry becomes CONVERTED).",
  })
  claimWaitlistOffer(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The OFFERED entry.' }) id: string,
  ): Promise<Booking> {
    return this.waitlist.claim(ctx, id);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => WaitlistEntry, {
    description: 'Higher priorities are offered first (-1000 to 1000, default 0); for the provider and admins.',
  })
  setWaitlistPriority(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The entry.' }) id: string,
    @Arg('priority', () => Int, { description: 'The new priority, -1000 to 1000.' }) priority: number,
  ): Promise<WaitlistEntry> {
    return this.waitlist.setPriority(ctx, id, priority);
  }

  @FieldResolver(() => Service, { description: 'The service queued for.' })
  service(@Root() entry: WaitlistEntry): Promise<Service> {
    return entry.service.loadOrFail();
  }

  @FieldResolver(() => Slot, {
    nullable: true,
    description: 'The slot queued for, or, for a date entry, the slot of its offer.',
  })
  slot(@Root() entry: WaitlistEntry): Promise<Slot | null> | null {
    const slot = entry.slot ?? entry.offeredSlot;
    return slot ? slot.load() : null;
  }

  @FieldResolver(() => AgreedTermsView, {
    description:
      'The rates, currency and cancellation policy of when the customer joined: a claimed offer is booked at them.',
  })
  terms(@Root() entry: WaitlistEntry): AgreedTermsView {
    return termsView(entry.terms);
  }

  @FieldResolver(() => PriceBreakdown, {
    nullable: true,
    description:
      'What claiming the offer costs (the slot at its price when the customer joined, at the terms joined at); null until offered.',
  })
  price(@Root() entry: WaitlistEntry): PriceBreakdown | null {
    return entry.lines
      ? priceBreakdown(priceOf(entry.lines, entry.terms.currency), entry.lines, entry.terms.currency)
      : null;
  }

  @FieldResolver(() => Booking, {
    description: 'The booking made when the offer was claimed; null before.',
    nullable: true,
  })
  booking(@Root() entry: WaitlistEntry): Promise<Booking | null> | null {
    return entry.booking ? entry.booking.load() : null;
  }
}
