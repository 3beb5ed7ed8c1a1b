import {
  OptionalProps,
  Check,
  Entity,
  Enum,
  Formula,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Service } from '../catalog/service.entity';
import { Schedule } from './schedule.entity';
import { SlotStatus } from './scheduling.enums';
import { blackedOutSql, calendarBusySql, providerBusySql } from './slot.sql';

// calendars/calendar-busy.ts still imports the rule's part from here; it moves to './slot.sql' with that file.

/** One bookable occurrence with its seat counters; the database refuses to oversell it. */
@ObjectType('Slot', { description: 'One bookable occurrence of a service: a start, an end and a number of seats.' })
@Entity()
@Unique({ properties: ['service', 'startsAt'] })
@Index({ properties: ['service', 'localDate'] })
@Check({ name: 'slot_seats_check', expression: 'booked >= 0 and held >= 0 and booked + held <= capacity' })
@Check({ name: 'slot_capacity_check', expression: 'capacity > 0' })
@Check({ name: 'slot_time_check', expression: 'ends_at > starts_at' })
export class Slot {
  [OptionalProps]?: 'booked' | 'held' | 'status' | 'blackedOut' | 'calendarBusy' | 'providerBusy';

  @Field(() => ID, { description: 'Stable identifier of the slot; what `book` and `propose` take.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true })
  service!: Ref<Service>;

  @ManyToOne(() => Schedule, { ref: true, nullable: true, deleteRule: 'set null' })
  schedule?: Ref<Schedule> | null;

  @Field({ description: 'When the slot starts.' })
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field({ description: 'When the slot ends.' })
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  /** The date of `startsAt` in the service's zone, for day views and blackouts. */
  @Property({ type: 'date' })
  localDate!: string;

  @Field(() => Int, { description: 'Seats in all.' })
  @Property()
  capacity!: number;

  @Field(() => Int, { description: 'Seats taken by CONFIRMED bookings.' })
  @Property()
  booked: number = 0;

  @Field(() => Int, { description: 'Seats frozen by bookings awaiting payment and by waitlist offers.' })
  @Property()
  held: number = 0;

  @Field(() => SlotStatus, { description: 'Whether the slot takes bookings.' })
  @Enum({ items: () => SlotStatus, nativeEnumName: 'slot_status' })
  status: SlotStatus = SlotStatus.OPEN;

  @Field(() => String, {
    nullable: true,
    description: 'Why the provider cancelled this slot (`cancelSlot`); null unless CANCELLED that way.',
  })
  @Property({ type: 'text', nullable: true })
  cancellationReason?: string | null;

  /** Fewest confirmed seats needed by `minDeadline` (from its schedule at generation); null: no minimum. */
  @Property({ nullable: true })
  minCapacity?: number | null;

  /** When the minimum is checked; the check_minimum_capacity job runs then. */
  @Property({ type: 'timestamptz', nullable: true })
  minDeadline?: Date | null;

  /** The slot's own price, else (at generation) its schedule's; null means the service's. */
  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  priceAmount?: string | null;

  /** Whether an active blackout of its service, of the whole provider or global covers it (blackoutCoversSql). */
  @Formula((alias) => blackedOutSql(`${alias}`), { lazy: false })
  blackedOut: boolean = false;

  /** Whether a busy time in one of the provider's blocking calendar accounts overlaps it. */
  @Formula((alias) => calendarBusySql(`${alias}`), { lazy: false })
  calendarBusy: boolean = false;

  /** Whether the provider's time is taken here: see providerBusySql. */
  @Formula((alias) => providerBusySql(String(alias)), { lazy: false })
  providerBusy: boolean = false;

  /**
   * Seats that can still be taken now (docs/booking.md, "How it behaves": "Slots"); `own` seats (a booking's
   * own, as it moves) count as free.
   */
  seatsAvailable(now: Date, own = 0): number {
    if (
      this.status !== SlotStatus.OPEN ||
      this.blackedOut ||
      this.calendarBusy ||
      this.providerBusy ||
      this.startsAt <= now
    )
      return 0;
    return this.capacity - this.booked - this.held + own;
  }
}

/** Orders slots by their start. */
export const byStart = (a: Slot, b: Slot): number => a.startsAt.getTime() - b.startsAt.getTime();
