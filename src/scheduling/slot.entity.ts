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
import { LIMITS } from '../catalog/catalog.service';
import { Service } from '../catalog/service.entity';
import { Schedule } from './schedule.entity';
import { SlotStatus } from './scheduling.enums';

/**
 * `rule` about the slot's service, given as SQL over a service alias: over `service` when the statement has
 * joined the slot's service, else over the service looked up for each slot.
 */
const overService = (slot: string, service: string | undefined, rule: (service: string) => string): string =>
  service ? rule(service) : `exists (select 1 from service own where own.id = ${slot}.service_id and ${rule('own')})`;

/**
 * FROM and WHERE of the active blackouts that apply to the service `service`: its own, its whole provider's,
 * and the global ones (no provider).
 */
export const serviceBlackoutsSql = (service: string): string =>
  `blackout covering where covering.active and (covering.provider_id is null or covering.provider_id = ${service}.provider_id) and (covering.service_id is null or covering.service_id = ${service}.id)`;

/** The local dates a slot may reach past its first: a slot lasts at most LIMITS.durationMinutes. */
export const SLOT_SPAN_DAYS = Math.ceil(LIMITS.durationMinutes / (24 * 60));

/**
 * SQL: whether blackout `b` covers slot `slot` of service `service`. A whole-day one covers the slot's local
 * date; a part-day one covers its time on each of its dates, from start_time to end_time in the service's
 * zone (the dates a slot reaches are from its local date to that of its end). A wall time skipped by
 * spring-forward reads as PostgreSQL reads it, moved forward by the gap, as schedules do.
 */
export const blackoutCoversSql = (b: string, slot: string, service: string): string =>
  `(case when ${b}.all_day then ${slot}.local_date between ${b}.starts_on and ${b}.ends_on ` +
  `else ${b}.ends_on >= ${slot}.local_date and ${b}.starts_on <= ${slot}.local_date + ${SLOT_SPAN_DAYS} and exists (select 1 from ` +
  `generate_series(greatest(${b}.starts_on, ${slot}.local_date)::timestamp, least(${b}.ends_on, (${slot}.ends_at at time zone ${service}.timezone)::date)::timestamp, interval '1 day') covered_day ` +
  `where (covered_day::date + ${b}.start_time) at time zone ${service}.timezone < ${slot}.ends_at and (covered_day::date + ${b}.end_time) at time zone ${service}.timezone > ${slot}.starts_at) end)`;

/** SQL: whether an active whole-day blackout of the service `service` covers the local date `date`. */
export const wholeDayBlackoutSql = (service: string, date: string): string =>
  `exists (select 1 from ${serviceBlackoutsSql(service)} and covering.all_day and ${date} between covering.starts_on and covering.ends_on)`;

/** FROM and WHERE of the times of the provider of `service` held by live bookings. */
const providerTimeSql = (service: string): string => `provider_busy pb where pb.provider_id = ${service}.provider_id`;

/** FROM and WHERE of the busy times read from the ACTIVE blocking calendar connections of the provider of `service`. */
const blockingBusySql = (service: string): string =>
  `calendar_busy cb join calendar_connection cc on cc.id = cb.connection_id ` +
  `where cc.provider_id = ${service}.provider_id and cc.status = 'ACTIVE' and cc.blocks_availability`;

/** SQL: whether a busy interval read from one of the provider's blocking calendars overlaps the slot. */
export const calendarBusySql = (slot: string, service?: string): string =>
  overService(
    slot,
    service,
    (v) =>
      `exists (select 1 from ${blockingBusySql(v)} and cb.starts_at < ${slot}.ends_at and cb.ends_at > ${slot}.starts_at)`,
  );

/** SQL: whether an active blackout of the slot's service, of its whole provider or global covers the slot (blackoutCoversSql). */
export const blackedOutSql = (slot: string, service?: string): string =>
  overService(
    slot,
    service,
    (v) => `exists (select 1 from ${serviceBlackoutsSql(v)} and ${blackoutCoversSql('covering', slot, v)})`,
  );

/**
 * Whether a slot of an appointment service (capacity 1) overlaps, widened by its service's buffers, a time
 * of its provider held by a live booking (`provider_busy`, docs/booking.md, "Appointments and buffers"): such a slot
 * is closed for booking. The slot's own booking counts too; the slot is full then anyway.
 */
export const providerBusySql = (slot: string, service?: string): string =>
  overService(
    slot,
    service,
    (v) =>
      `(${v}.capacity = 1 and exists (select 1 from ${providerTimeSql(v)} ` +
      `and pb.during && tstzrange(${slot}.starts_at - make_interval(mins => ${v}.buffer_before_minutes), ${slot}.ends_at + make_interval(mins => ${v}.buffer_after_minutes))))`,
  );

/**
 * For a read of many slots of one service, all with local dates in [first, last]: SQL over the service alias
 * `service` saying whether anything could close one of them that starts after `at`. Each guard is implied by
 * its test in the rule for every such slot, so where a guard is false PostgreSQL skips that test per slot.
 */
export const closureGuardsSql = (service: string, at: string, first: string, last: string): ClosureGuards => ({
  blackedOut: `exists (select 1 from ${serviceBlackoutsSql(service)} and covering.starts_on <= ${last} + ${SLOT_SPAN_DAYS} and covering.ends_on >= ${first})`,
  calendarBusy: `exists (select 1 from ${blockingBusySql(service)} and cb.ends_at > ${at})`,
  providerBusy: `(${service}.capacity = 1 and exists (select 1 from ${providerTimeSql(service)} and upper(pb.during) > ${at} - make_interval(mins => ${service}.buffer_before_minutes)))`,
});

export interface ClosureGuards {
  blackedOut: string;
  calendarBusy: string;
  providerBusy: string;
}

/** How a statement gives the rule the slot's service: the alias it joined, and guards it worked out once. */
export interface SlotServiceSql {
  alias: string;
  guards?: ClosureGuards;
}

/**
 * SQL: the seats of slot `slot` that can still be taken at the instant `at` (a placeholder or literal):
 * none when the slot is closed (not OPEN, blacked out, busy in a blocking calendar, the provider's time taken
 * by another appointment, or started). The one SQL place for "closed" that the reads share;
 * Slot.seatsAvailable says the same for a loaded slot.
 */
export function seatsAvailableSql(slot: string, at: string, service?: SlotServiceSql): string {
  const guarded = (guard: string | undefined, test: string) => (guard ? `(${guard} and ${test})` : test);
  const { alias, guards } = service ?? {};
  return (
    `case when ${slot}.status = 'OPEN' and ${slot}.starts_at > ${at} and not ${guarded(guards?.blackedOut, blackedOutSql(slot, alias))} ` +
    `and not ${guarded(guards?.calendarBusy, calendarBusySql(slot, alias))} and not ${guarded(guards?.providerBusy, providerBusySql(slot, alias))} ` +
    `then ${slot}.capacity - ${slot}.booked - ${slot}.held else 0 end`
  );
}

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

  /** Seats that can still be taken now (docs/booking.md, "How it behaves": "Slots"). */
  seatsAvailable(now: Date): number {
    if (
      this.status !== SlotStatus.OPEN ||
      this.blackedOut ||
      this.calendarBusy ||
      this.providerBusy ||
      this.startsAt <= now
    )
      return 0;
    return this.capacity - this.booked - this.held;
  }
}

/** Orders slots by their start. */
export const byStart = (a: Slot, b: Slot): number => a.startsAt.getTime() - b.startsAt.getTime();
