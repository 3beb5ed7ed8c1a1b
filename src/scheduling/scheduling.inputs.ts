import { Field, InputType, Int, ObjectType, ID } from 'type-graphql';
import { listCost } from '../core/limits';
import { DateScalar } from '../core/scalars';
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

@InputType('ScheduleInput', { description: 'A new schedule.' })
export class ScheduleInput {
  @Field(() => String, { description: 'Optional label, one line.', nullable: true }) name?: string | null;
  @Field(() => RecurrenceInput, { description: 'How often it repeats.' }) recurrence!: RecurrenceInput;
  @Field({
    description:
      "Wall-clock start in the service's time zone, HH:MM (24 h). A time skipped by spring-forward moves forward by the gap; an ambiguous one takes the earlier instant.",
  })
  startTime!: string;
  @Field(() => Int, { description: "Slot length in minutes; the service's when omitted.", nullable: true })
  durationMinutes?: number | null;
  @Field(() => Int, { description: "Seats per slot; the service's when omitted.", nullable: true }) capacity?:
    | number
    | null;
  @Field(() => String, { description: "Adult price as a decimal string; the service's when omitted.", nullable: true })
  priceAmount?: string | null;
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
    description: "A new wall time HH:mm in the service's zone: future free slots move to it.",
  })
  startTime?: string | null;
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
}

@InputType('BlackoutInput', { description: 'A new blackout.' })
export class BlackoutInput {
  @Field(() => ID, {
    description: "The service covered; omitted: every service of the caller's provider.",
    nullable: true,
  })
  serviceId?: string | null;
  @Field(() => DateScalar, { description: 'First local date (inclusive).' }) startsOn!: string;
  @Field(() => DateScalar, { description: 'Last local date (inclusive); not before startsOn.' }) endsOn!: string;
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
  @Field({ description: 'Whether a blackout covers the date (its slots are then unavailable).' }) blackout!: boolean;
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
