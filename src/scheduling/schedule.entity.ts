import { OptionalProps, Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Service } from '../catalog/service.entity';
import { DateScalar } from '../graphql/scalars';
import { parseWallTime } from '../core/zoned-time';
import { hhmm, slotStarts, type TimeRange, type WallTime, type WorkingHours } from './working-hours';

@ObjectType('TimeRange', { description: 'A stretch of one day in wall time, e.g. a lunch break 12:00 to 13:00.' })
export class TimeRangeType implements TimeRange {
  @Field({ description: 'Start, HH:mm.' }) start!: string;
  @Field({ description: 'End, HH:mm (24:00 is the end of the day); after the start.' }) end!: string;
}

/**
 * A recurrence that turns into slots: `startTime` is wall time in the service's zone. With `endTime` it is
 * working hours: every day of the recurrence gets a slot every `slotMinutes` from startTime to endTime,
 * less the breaks.
 */
@ObjectType('Schedule', {
  description:
    'A recurrence that `generateSlots` turns into slots of a service: one slot a day at startTime, or working hours (endTime) split into slots.',
})
@Entity()
export class Schedule {
  [OptionalProps]?: 'active' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the schedule.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true, index: true })
  service!: Ref<Service>;

  @Field(() => String, { description: 'Optional label, one line.', nullable: true })
  @Property({ length: 200, nullable: true })
  name?: string | null;

  /** RFC 5545 rule without DTSTART: the start comes from validFrom and startTime. */
  @Field({ description: 'The recurrence as an RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE.' })
  @Property({ length: 500 })
  rrule!: string;

  /** HH:mm wall time. */
  @Field({
    description:
      "Wall-clock start in the service's time zone, HH:MM; held across DST changes. For working hours: when they begin.",
  })
  @Property({ length: 5 })
  startTime!: string;

  @Field(() => String, {
    nullable: true,
    description: 'For working hours: when they end, HH:mm (24:00 for midnight); null for one slot a day at startTime.',
  })
  @Property({ length: 5, nullable: true })
  endTime?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'For working hours: minutes from one slot start to the next; null for one slot a day.',
  })
  @Property({ nullable: true })
  slotMinutes?: number | null;

  /** Inside the working hours, in order, not overlapping. */
  @Property({ type: 'json', nullable: true })
  breaks?: TimeRange[] | null;

  @Field(() => Int, { description: 'Length of each slot in minutes.' })
  @Property()
  durationMinutes!: number;

  @Field(() => Int, { description: 'Seats of each slot.' })
  @Property()
  capacity!: number;

  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  priceAmount?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Fewest people each departure (slot) needs, in confirmed seats, by minCapacityHours before its start; below it then, the departure is cancelled and refunded in full. Null: no minimum.',
  })
  @Property({ nullable: true })
  minCapacity?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Hours before each start when minCapacity is checked; null with it.',
  })
  @Property({ nullable: true })
  minCapacityHours?: number | null;

  @Field(() => DateScalar, { description: 'First local date occurrences may fall on.' })
  @Property({ type: 'date' })
  validFrom!: string;

  @Field(() => DateScalar, { description: 'Last local date occurrences may fall on; null: no end.', nullable: true })
  @Property({ type: 'date', nullable: true })
  validUntil?: string | null;

  @Field({ description: 'Whether the schedule still makes slots.' })
  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Its working hours; null for a schedule of one slot a day. */
  workingHours(): WorkingHours | null {
    if (!this.endTime || !this.slotMinutes) return null;
    return {
      startTime: this.startTime,
      endTime: this.endTime,
      slotMinutes: this.slotMinutes,
      breaks: this.breaks ?? [],
    };
  }

  /** The wall times at which the slots of one of its days start. */
  slotStarts(): WallTime[] {
    const hours = this.workingHours();
    return hours ? slotStarts(hours, this.durationMinutes) : [parseWallTime('startTime', this.startTime)];
  }
}

/** HH:mm of a wall time. */
export const wallClock = (time: WallTime): string => hhmm(time.hour * 60 + time.minute);
