import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Booking } from '../booking/booking.entity';
import type { RequestContext } from '../core/context';
import { Proposal } from '../proposals/proposal.entity';
import type { LiveService } from './live.service';
import { SlotChange } from './slot-change.type';

/** The context of a subscription: a request context that also reaches the live service. */
export interface LiveContext extends RequestContext {
  live: LiveService;
}

type SubscribeData = SubscribeResolverData<unknown, Record<string, unknown>, LiveContext>;

@Resolver()
export class LiveResolver {
  @Subscription(() => SlotChange, {
    description: 'Public: one SlotChange per changed slot of these services, after the change commits.',
    subscribe: ({ args, context }: SubscribeData) =>
      context.live.followAvailability(context, args.serviceIds as string[]),
  })
  availabilityChanged(
    @Root() change: SlotChange,
    @Arg('serviceIds', () => [ID], { description: 'The services to watch (at least one).' }) _serviceIds: string[],
  ): SlotChange {
    return change;
  }

  @Subscription(() => Booking, {
    description: "For the booking's customer, its provider and admins.",
    subscribe: ({ args, context }: SubscribeData) => context.live.followBooking(context, args.id as string),
  })
  bookingChanged(
    @Root() booking: Booking,
    @Arg('id', () => ID, { description: 'The booking to watch.' }) _id: string,
  ): Booking {
    return booking;
  }

  @Subscription(() => Proposal, {
    description: 'A provider gets the proposals on its services, a customer its own, an admin all.',
    subscribe: ({ context }: SubscribeData) => context.live.followProposals(context),
  })
  proposalChanged(@Root() proposal: Proposal): Proposal {
    return proposal;
  }
}
