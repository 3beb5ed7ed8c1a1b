import { Field, InputType, Int, ObjectType, ID } from 'type-graphql';
import { listCost } from '../graphql/limits';
import { DateScalar } from '../graphql/scalars';
import { AvailabilityLevel, BlackoutKind, Frequency, Weekday } from './scheduling.enums';

@InputType('RecurrenceInput', {
  description: 'A recurrence: a frequency with an interval and weekdays, or a custom RFC 5545 rrule.',
})
export class RecurrenceInput {
  /** Required without `rrule`; ignored with it. */
  @Field(() => Frequency, { description: 'How often; optional when rrule is given.', nullable: true })
  frequency?: Frequency | null;
  @Field(() => Int, {
    description: 'Every n-th period (WEEKLY with 2 is biweekly); 1 by default.',
    nullable: true,
    defaultValue: 1,
  })
  interval?: number | null;
  @Field(() => [Weekday], {
    description: 'For WEEKLY: on which days; the weekday of validFrom when omitted.',
    nullable: true,
  })
  weekdays?: Weekday[] | null;
  @Field(() => String, {
    description:
      'A custom RFC 5545 RRULE (without DTSTART), e.g. FREQ=MONTHLY;BYDAY=1SA; replaces frequency, interval and weekdays.',
    nullable: true,
  })
  rrule?: string | null;
}

@InputType('TimeRangeInput', { description: 'A stretch of one day in wall time, e.g. a lunch break.' })
export class TimeRangeInput {
  @Field({ description: 'Start, HH:mm.' }) start!: string;
  @Field({ description: 'End, HH:mm (24:00 for midnight); after the start.' }) end!: string;
}

@InputType('ScheduleInput', {
  description:
    'A new schedule: one slot a day at startTime, or, with endTime, working hours split into slots (e.g. 09:00 to 17:00, a slot every 30 minutes, lunch 12:00 to 13:00 off).',
})
export class ScheduleInput {
  @Field(() => String, { description: 'Optional label, one line.', nullable: true }) name?: string | null;
  @Field(() => RecurrenceInput, { description: 'How often it repeats.' }) recurrence!: RecurrenceInput;
  @Field({
    description:
      "Wall-clock start in the service's time zone, HH:MM (24 h). A time skipped by spring-forward moves forward by the gap; an ambiguous one takes the earlier instant.",
  })
  startTime!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Makes the schedule working hours: they end at this wall time (HH:mm, 24:00 for midnight), after startTime on the same day. Each day of the recurrence then gets a slot at startTime and every slotMinutes after it, as long as a slot of durationMinutes ends by endTime (or by the next break). Omitted: one slot a day at startTime.',
  })
  endTime?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'With endTime: minutes from one slot start to the next, 5 to 1440; durationMinutes when omitted.',
  })
  slotMinutes?: number | null;
  @Field(() => [TimeRangeInput], {
    nullable: true,
    description:
      'With endTime: stretches inside the working hours with no slot (e.g. lunch), not overlapping, at most 20; after a break, slots start again at its end.',
  })
  breaks?: TimeRangeInput[] | null;
  @Field(() => Int, { description: "Slot length in minutes; the service's when omitted.", nullable: true })
  durationMinutes?: number | null;
  @Field(() => Int, { description: "Seats per slot; the service's when omitted.", nullable: true }) capacity?:
    | number
    | null;
  @Field(() => String, { description: "Adult price as a decimal string; the service's when omitted.", nullable: true })
  priceAmount?: string | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Fewest people each departure needs (confirmed seats, at most the capacity); below it minCapacityHours before the start, the departure is cancelled, its bookings refunded in full and told why. Give both or neither.',
  })
  minCapacity?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Hours before each start (0 to 8760) when minCapacity is checked.',
  })
  minCapacityHours?: number | null;
  @Field(() => DateScalar, { description: 'First local date (inclusive).' }) validFrom!: string;
  @Field(() => DateScalar, { description: 'Last local date (inclusive); no end when omitted.', nullable: true })
  validUntil?: string | null;
}

@InputType('ScheduleUpdateInput', {
  description:
    'Changes to a schedule; fields left out stay. Future slots of the schedule with no seats taken follow the change; slots with seats taken keep theirs (README, "Managing schedules and slots").',
})
export class ScheduleUpdateInput {
  @Field(() => String, { nullable: true, description: 'A new name, at most 200 characters.' }) name?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "A new wall time HH:mm in the service's zone: future free slots move to it (working hours: they begin then).",
  })
  startTime?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Working hours only: a new end, HH:mm (24:00 for midnight).',
  })
  endTime?: string | null;
  @Field(() => Int, { nullable: true, description: 'Working hours only: new minutes from one slot start to the next.' })
  slotMinutes?: number | null;
  @Field(() => [TimeRangeInput], {
    nullable: true,
    description: 'Working hours only: the new breaks, replacing the old ones (an empty list removes them).',
  })
  breaks?: TimeRangeInput[] | null;
  @Field(() => Int, { nullable: true, description: 'A new length of each slot in minutes: future free slots take it.' })
  durationMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'New seats per slot: future free slots take it.' }) capacity?:
    | number
    | null;
  @Field(() => String, {
    nullable: true,
    description: "A new price per seat (exact decimal in the service's currency): future free slots take it.",
  })
  priceAmount?: string | null;
  @Field(() => DateScalar, {
    nullable: true,
    description: 'A new last date (not before validFrom): future free slots after it are closed.',
  })
  validUntil?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'false deactivates the schedule: it generates nothing more and its future free slots are closed.',
  })
  active?: boolean | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'A new minimum of people per departure (at most the capacity), given with minCapacityHours; both null remove it. Future free slots take it, unless its deadline has passed for them; booked departures keep theirs.',
  })
  minCapacity?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Hours before each start (0 to 8760) when the new minCapacity is checked; null with it.',
  })
  minCapacityHours?: number | null;
}

@InputType('BlackoutInput', {
  description:
    "A new blackout: whole local dates, or (allDay false) a time of each of those dates, of one service, of all of a provider's services, or (an admin's, global) of every service.",
})
export class BlackoutInput {
  @Field(() => ID, {
    description:
      "The service covered; omitted: every service of the caller's provider (or of providerId, or every service with global).",
    nullable: true,
  })
  serviceId?: string | null;
  @Field(() => ID, {
    nullable: true,
    description:
      'Admins acting for a provider: every service of this provider (a provider may name only itself, else FORBIDDEN). Not with serviceId.',
  })
  providerId?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'Admins only (else FORBIDDEN): every service of every provider, e.g. a national holiday. Not with serviceId or providerId.',
  })
  global?: boolean | null;
  @Field(() => DateScalar, { description: 'First local date (inclusive).' }) startsOn!: string;
  @Field(() => DateScalar, { description: 'Last local date (inclusive); not before startsOn.' }) endsOn!: string;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description:
      "true (default): the whole of each date. false: only startTime to endTime of each date, in each covered service's time zone; slots overlapping that time close.",
  })
  allDay?: boolean | null;
  @Field(() => String, { nullable: true, description: 'With allDay false: when the block starts each date, HH:mm.' })
  startTime?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'With allDay false: when the block ends each date, HH:mm (24:00 for midnight), after startTime.',
  })
  endTime?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'false: recorded but blocking nothing until activated (setBlackoutActive). true by default.',
  })
  active?: boolean | null;
  @Field(() => BlackoutKind, { description: 'Why the dates are blocked.' }) kind!: BlackoutKind;
  @Field({ description: 'Short label, one line.' }) name!: string;
  @Field(() => String, { description: 'Longer explanation.', nullable: true }) description?: string | null;
}

@ObjectType('DayAvailability', { description: "A service's availability on one local date." })
export class DayAvailability {
  @Field(() => DateScalar, { description: "The local date, YYYY-MM-DD, in the service's time zone." }) date!: string;
  @Field(() => Int, { description: 'Open slots starting that day.' }) slotCount!: number;
  @Field(() => Int, { description: "The sum of `available` over that day's slots." }) availableSpots!: number;
  @Field(() => AvailabilityLevel, { description: 'How full the day is, for colouring a calendar cell.' })
  level!: AvailabilityLevel;
  @Field({
    description:
      'Whether an active whole-day blackout covers the date (its slots are then unavailable); a part-day one closes only the slots it overlaps.',
  })
  blackout!: boolean;
}

@ObjectType('MonthAvailability', { description: "A service's availability over one month, for a calendar." })
export class MonthAvailability {
  @Field({ description: 'The month, YYYY-MM.' }) month!: string;
  @Field(() => [DayAvailability], {
    description: 'One entry per local date of the month, in order.',
    complexity: listCost(0, 31),
  })
  days!: DayAvailability[];
}
