import { OptionalProps, Check, Entity, Enum, Formula, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { calendarBusySql } from '../calendars/calendar-busy';
import { Service } from '../catalog/service.entity';
import { Schedule } from './schedule.entity';
import { SlotStatus } from './scheduling.enums';

/**
 * Whether a slot of an appointment service (capacity 1) overlaps, widened by its service's buffers, a time
 * of its provider held by a live booking (`provider_busy`, README "Appointments and buffers"): such a slot
 * is closed for booking. The slot's own booking counts too; the slot is full then anyway.
 */
export function providerBusySql(alias: string): string {
  return (
    `exists (select 1 from service v join provider_busy pb on pb.provider_id = v.provider_id ` +
    `where v.id = ${alias}.service_id and v.capacity = 1 ` +
    `and pb.during && tstzrange(${alias}.starts_at - make_interval(mins => v.buffer_before_minutes), ${alias}.ends_at + make_interval(mins => v.buffer_after_minutes)))`
  );
}

/** SQL: whether a blackout of the slot's service or of its whole provider covers the slot's local date. */
export const blackedOutSql = (alias: string): string =>
  `exists (select 1 from blackout covering join service covered on covered.id = ${alias}.service_id ` +
  `where covering.provider_id = covered.provider_id and (covering.service_id is null or covering.service_id = ${alias}.service_id) ` +
  `and ${alias}.local_date between covering.starts_on and covering.ends_on)`;

/**
 * SQL: the seats of slot `alias` that can still be taken at the instant `at` (a placeholder or literal):
 * none when the slot is closed (not OPEN, blacked out, busy in a blocking calendar, the provider's time taken
 * by another appointment, or started). The one SQL place for "closed" that
 * the reads share; Slot.seatsAvailable says the same for a loaded slot.
 */
export const seatsAvailableSql = (alias: string, at: string): string =>
  `case when ${alias}.status = 'OPEN' and ${alias}.starts_at > ${at} and not ${blackedOutSql(alias)} ` +
  `and not ${calendarBusySql(alias)} and not ${providerBusySql(alias)} ` +
  `then ${alias}.capacity - ${alias}.booked - ${alias}.held else 0 end`;

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

  @Field(() => String, { nullable: true, description: 'Why the provider cancelled this slot (`cancelSlot`); null unless CANCELLED that way.' })
  @Property({ type: 'text', nullable: true })
  cancellationReason?: string | null;

  /** The slot's own price, else (at generation) its schedule's; null means the service's. */
  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  priceAmount?: string | null;

  /** Whether a blackout of its service or of the whole provider covers its local date. */
  @Formula((alias) => blackedOutSql(`${alias}`), { lazy: false })
  blackedOut: boolean = false;

  /** Whether a busy time in one of the provider's blocking calendar accounts overlaps it. */
  @Formula((alias) => calendarBusySql(`${alias}`), { lazy: false })
  calendarBusy: boolean = false;

  /** Whether the provider's time is taken here: see providerBusySql. */
  @Formula((alias) => providerBusySql(String(alias)), { lazy: false })
  providerBusy: boolean = false;

  /** Seats that can still be taken now (CONTRACT.md, "Catalog, schedules, slots"). */
  seatsAvailable(now: Date): number {
    if (this.status !== SlotStatus.OPEN || this.blackedOut || this.calendarBusy || this.providerBusy || this.startsAt <= now) return 0;
    return this.capacity - this.booked - this.held;
  }
}

/** Orders slots by their start. */
export const byStart = (a: Slot, b: Slot): number => a.startsAt.getTime() - b.startsAt.getTime();
