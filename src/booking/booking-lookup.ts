import { Field, ObjectType } from 'type-graphql';
import { listCost } from '../graphql/limits';
import { Money } from '../graphql/money.type';
import { byStart } from '../scheduling/slot.entity';
import type { Booking } from './booking.entity';
import { BookingStatus } from './booking.enums';
import { Party, PriceBreakdown } from './booking.inputs';
import { MAX_SLOTS_PER_BOOKING } from './booking-rules';
import { bookedParty, bookedPrice, refundedOf } from './booking-view';
import { AgreedTermsView, termsView } from './terms.types';

@ObjectType('BookedTime', { description: 'When one slot of a booking starts and ends.' })
export class BookedTime {
  @Field({ description: 'Start.' }) startsAt!: Date;
  @Field({ description: 'End.' }) endsAt!: Date;
}

/**
 * A booking as its customer sees it without signing in (lookupBooking): what they need to come and to pay,
 * nothing private (no account, contact, notes, needs, payment secret, meeting link or history).
 */
@ObjectType('BookingLookup', {
  description:
    'A booking as anyone holding its reference and email sees it: times, status, party, price and the terms agreed; nothing private.',
})
export class BookingLookup {
  @Field({ description: 'The reference, e.g. BK-20261201-7KQ2ZD.' }) reference!: string;
  @Field(() => BookingStatus, { description: 'Where the booking is in its life.' }) status!: BookingStatus;
  @Field({ description: 'The service booked.' }) serviceName!: string;
  @Field({ description: "The provider's public name." }) providerName!: string;
  @Field({ description: "The service's IANA time zone, for showing the times." }) timezone!: string;
  @Field({ description: 'Start of its first slot.' }) startsAt!: Date;
  @Field({ description: 'End of its last slot.' }) endsAt!: Date;
  @Field(() => [BookedTime], {
    description: `Each slot booked, by start: at most ${MAX_SLOTS_PER_BOOKING}.`,
    complexity: listCost(0, MAX_SLOTS_PER_BOOKING),
  })
  times!: BookedTime[];
  @Field(() => Party, { description: 'Who comes.' }) party!: Party;
  @Field(() => PriceBreakdown, { description: 'What it costs, line by line.' }) price!: PriceBreakdown;
  @Field(() => AgreedTermsView, {
    description: 'The rates and the cancellation policy agreed when booking: what cancelling would give back.',
  })
  terms!: AgreedTermsView;
  @Field(() => Money, { nullable: true, description: 'Money given back so far; null when none.' })
  refunded?: Money | null;
  @Field(() => Date, {
    nullable: true,
    description: 'While PENDING_PAYMENT: when the held seats are released unless paid.',
  })
  holdExpiresAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it was cancelled, when it was.' })
  cancellationReason?: string | null;
}

/** The lookup view of a booking loaded with its service, provider and slots. */
export function lookupOf(booking: Booking): BookingLookup {
  const service = booking.service.getEntity();
  return {
    reference: booking.reference,
    status: booking.status,
    serviceName: service.name,
    providerName: service.provider.getEntity().name,
    timezone: service.timezone,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    times: booking.slots
      .getItems()
      .map((entry) => entry.slot.getEntity())
      .sort(byStart)
      .map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
    party: bookedParty(booking),
    price: bookedPrice(booking),
    terms: termsView(booking.terms),
    refunded: refundedOf(booking),
    holdExpiresAt: booking.holdExpiresAt ?? null,
    cancellationReason: booking.cancellationReason ?? null,
  };
}
