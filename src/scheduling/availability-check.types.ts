import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { listCost, MAX_ROWS } from '../graphql/limits';
import { Party, PartyInput } from '../booking/booking.inputs';
import { DateScalar } from '../graphql/scalars';
import { UnavailableReason } from './scheduling.enums';
import { Slot } from './slot.entity';

/** The longest range one check covers: six weeks, what a month's grid shows. */
export const MAX_CHECK_DAYS = 42;
/** A day's slots as priced: with the days, at least the slots a whole check may hold (MAX_ROWS.slots). */
const SLOTS_A_DAY_PRICED = Math.ceil(MAX_ROWS.slots / MAX_CHECK_DAYS);

@InputType('AvailabilityCheckInput', {
  description: 'What `checkAvailability` takes: a service, a range of dates in a time zone, and a party.',
})
export class AvailabilityCheckInput {
  @Field(() => ID, { description: 'The service to check.' }) serviceId!: string;
  @Field(() => DateScalar, { description: 'First date (inclusive), in `timezone`.' }) from!: string;
  @Field(() => DateScalar, {
    description: 'Last date (inclusive), in `timezone`; at most 42 days after from (BAD_USER_INPUT on `to`).',
  })
  to!: string;
  @Field(() => String, {
    nullable: true,
    description:
      "Any IANA time zone (e.g. America/New_York) the dates and times are read in; the service's when omitted.",
  })
  timezone?: string | null;
  @Field(() => PartyInput, {
    nullable: true,
    description: 'Who would come; minPartySize adults when omitted. Limits are answered as reasons, not refused.',
  })
  party?: PartyInput | null;
}

@ObjectType('SlotCheck', {
  description: 'One slot of a checked day: whether the party can book it now, and if not why.',
})
export class SlotCheck {
  @Field(() => Slot, { description: 'The slot, with its seats and price.' }) slot!: Slot;
  @Field(() => DateScalar, { description: "Its start's date in the check's time zone." }) date!: string;
  @Field({ description: "Its start, HH:mm in the check's time zone." }) startTime!: string;
  @Field({ description: "Its end, HH:mm in the check's time zone (possibly on a later date)." }) endTime!: string;
  @Field({ description: 'Whether the party can book it now.' }) fits!: boolean;
  @Field(() => UnavailableReason, { nullable: true, description: 'Why not; null when it fits.' })
  reason?: UnavailableReason | null;
  @Field({
    description: "Whether the slot's waitlist takes the party (it is FULL for it): joinWaitlist with this slot.",
  })
  waitlistOpen!: boolean;
  /** Seats the party takes, for `alternatives`. */
  seats!: number;
  /** Whether other slots could fit the party instead: it does not fit here, but within the service's party limits. */
  seeksAlternatives!: boolean;
}

@ObjectType('AvailabilityCheckDay', { description: "One date of the check's range, in its time zone." })
export class AvailabilityCheckDay {
  @Field(() => DateScalar, { description: "The date, in the check's time zone." }) date!: string;
  @Field({ description: 'Whether blackouts cover the whole date (in the check’s time zone).' }) blocked!: boolean;
  // At most MAX_ROWS.slots in all the days of a check, so days x SLOTS_A_DAY_PRICED bounds the answer's slots.
  @Field(() => [SlotCheck], {
    description: `The slots starting that date, every status, by start; at most ${MAX_ROWS.slots} over the whole check.`,
    complexity: listCost(0, SLOTS_A_DAY_PRICED),
  })
  slots!: SlotCheck[];
  @Field({ description: 'Whether the party can book at least one slot of the date now.' }) fits!: boolean;
  @Field(() => UnavailableReason, {
    nullable: true,
    description:
      'Why no slot fits: the nearest to fitting of its slots’ reasons (FULL first), BLACKED_OUT for a blocked date, NO_SLOTS for a date without slots; null when one fits.',
  })
  reason?: UnavailableReason | null;
  @Field({ description: 'Whether a slot of the date is FULL for the party and its waitlist takes it.' })
  waitlistOpen!: boolean;
}

@ObjectType('AvailabilityCheck', {
  description: "A service's availability over a range of dates in any time zone, for one party.",
})
export class AvailabilityCheck {
  @Field(() => ID, { description: 'The service checked.' }) serviceId!: string;
  @Field({ description: 'The IANA time zone the dates and times are in.' }) timezone!: string;
  @Field(() => DateScalar, { description: 'First date checked.' }) from!: string;
  @Field(() => DateScalar, { description: 'Last date checked.' }) to!: string;
  @Field(() => Party, { description: 'The party checked.' }) party!: Party;
  @Field(() => [AvailabilityCheckDay], {
    description: `One entry per date from \`from\` to \`to\`, in order: at most ${MAX_CHECK_DAYS}.`,
    complexity: listCost(0, MAX_CHECK_DAYS),
  })
  days!: AvailabilityCheckDay[];
  @Field(() => [DateScalar], {
    description: 'The dates blackouts cover whole (in the time zone), in order: nothing can be booked on them.',
  })
  blockedDates!: string[];
  @Field(() => Int, { description: 'Slots starting in the range, every status.' }) slotCount!: number;
  @Field(() => Int, { description: 'Of them, the slots the party can book now.' }) availableSlotCount!: number;
  @Field({ description: 'Whether the party can book at least one slot of the range now.' }) fits!: boolean;
  @Field({ description: 'Whether a slot of the range is FULL for the party and its waitlist takes it.' })
  waitlistOpen!: boolean;
}
