import { Field, InputType, Int, ObjectType, ID } from 'type-graphql';
import { DateScalar } from '../core/scalars';
import { AvailabilityLevel, BlackoutKind, Frequency, Weekday } from './scheduling.enums';

@InputType('RecurrenceInput')
export class RecurrenceInput {
  /** Required without `rrule`; ignored with it. */
  @Field(() => Frequency, { nullable: true }) frequency?: Frequency | null;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) interval?: number | null;
  @Field(() => [Weekday], { nullable: true }) weekdays?: Weekday[] | null;
  @Field(() => String, { nullable: true }) rrule?: string | null;
}

@InputType('ScheduleInput')
export class ScheduleInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => RecurrenceInput) recurrence!: RecurrenceInput;
  @Field() startTime!: string;
  @Field(() => Int, { nullable: true }) durationMinutes?: number | null;
  @Field(() => Int, { nullable: true }) capacity?: number | null;
  @Field(() => String, { nullable: true }) priceAmount?: string | null;
  @Field(() => DateScalar) validFrom!: string;
  @Field(() => DateScalar, { nullable: true }) validUntil?: string | null;
}

@InputType('ScheduleUpdateInput', { description: "Changes to a schedule; fields left out stay. Future slots of the schedule with no seats taken follow the change; slots with seats taken keep theirs (README, \"Managing schedules and slots\")." })
export class ScheduleUpdateInput {
  @Field(() => String, { nullable: true, description: 'A new name, at most 200 characters.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: "A new wall time HH:mm in the service's zone: future free slots move to it." }) startTime?: string | null;
  @Field(() => Int, { nullable: true, description: 'A new length of each slot in minutes: future free slots take it.' }) durationMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'New seats per slot: future free slots take it.' }) capacity?: number | null;
  @Field(() => String, { nullable: true, description: "A new price per seat (exact decimal in the service's currency): future free slots take it." }) priceAmount?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'A new last date (not before validFrom): future free slots after it are closed.' }) validUntil?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'false deactivates the schedule: it generates nothing more and its future free slots are closed.' }) active?: boolean | null;
}

@InputType('BlackoutInput')
export class BlackoutInput {
  @Field(() => ID, { nullable: true }) serviceId?: string | null;
  @Field(() => DateScalar) startsOn!: string;
  @Field(() => DateScalar) endsOn!: string;
  @Field(() => BlackoutKind) kind!: BlackoutKind;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@ObjectType('DayAvailability')
export class DayAvailability {
  @Field(() => DateScalar) date!: string;
  @Field(() => Int) slotCount!: number;
  @Field(() => Int) availableSpots!: number;
  @Field(() => AvailabilityLevel) level!: AvailabilityLevel;
  @Field() blackout!: boolean;
}

@ObjectType('MonthAvailability')
export class MonthAvailability {
  @Field() month!: string;
  @Field(() => [DayAvailability]) days!: DayAvailability[];
}
