import { LIMITS } from '../catalog/catalog.service';
import { pgArray, type Statement } from '../core/sql';

// The one SQL rule for whether a slot can be booked (seatsAvailableSql and its parts), which the slot's
// formulas, the calendar reads and the availability check share, and the statements on slots.

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

/** The ids of these slots, locked in id order with FOR NO KEY UPDATE (see lockSlots). */
export const lockSlotIds = (ids: readonly number[]): Statement<{ id: number }> => ({
  sql: 'select id from slot where id = any(?::int[]) order by id for no key update',
  params: [pgArray(ids)],
});

/** The ids of a service's slots starting in [from, to), at most `limit`, locked in id order (see lockSlots). */
export const lockSlotsStarting = (
  serviceId: number,
  from: Date,
  to: Date,
  limit: number,
): Statement<{ id: number }> => ({
  sql: 'select id from slot where service_id = ? and starts_at >= ? and starts_at < ? order by id limit ? for no key update',
  params: [serviceId, from, to, limit],
});

/** The schedule's slots starting after `now` that are not cancelled. */
export const scheduleFutureSlots = (scheduleId: number, now: Date): Statement<{ id: number }> => ({
  sql: `select id from slot where schedule_id = ? and starts_at > ? and status <> 'CANCELLED'`,
  params: [scheduleId, now],
});

/** The live bookings on a slot, but for those in `known`, in id order. */
export const liveBookingsOnSlot = (slotId: number, known: readonly number[]): Statement<{ id: number }> => ({
  sql: `select distinct b.id from booking_slot bs join booking b on b.id = bs.booking_id
    where bs.slot_id = ? and b.status in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION', 'CONFIRMED') and not (b.id = any(?::int[])) order by b.id`,
  params: [slotId, pgArray(known)],
});

const NEAREST_SLOTS = `with p as (select ?::timestamptz as now, ?::int as seats, ?::int as k)
  select t.id as target_id, a.id, a.distance::float8 as distance
    from p cross join slot t cross join lateral (
      (select s.id, extract(epoch from s.starts_at - t.starts_at) as distance from slot s join service svc on svc.id = s.service_id
        where s.service_id = t.service_id and s.starts_at > t.starts_at
          and s.starts_at <= p.now + make_interval(days => svc.advance_days)
          and ${seatsAvailableSql('s', 'p.now', { alias: 'svc' })} >= p.seats
          and s.starts_at >= p.now + make_interval(hours => svc.cutoff_hours)
        order by s.starts_at limit p.k)
      union all
      (select s.id, extract(epoch from s.starts_at - t.starts_at) as distance from slot s join service svc on svc.id = s.service_id
        where s.service_id = t.service_id and s.starts_at < t.starts_at
          and s.starts_at >= p.now + make_interval(hours => svc.cutoff_hours)
          and s.starts_at <= p.now + make_interval(days => svc.advance_days)
          and ${seatsAvailableSql('s', 'p.now', { alias: 'svc' })} >= p.seats
        order by s.starts_at desc limit p.k)
    ) a
   where t.id = any(?::int[])`;

/**
 * For each target slot, the nearest `k` other slots of its service before it and after it that `seats`
 * people can book at `now`, with their distance from it in seconds (negative: before).
 */
export const nearestSlots = (
  now: Date,
  seats: number,
  k: number,
  targetIds: readonly number[],
): Statement<{ target_id: number; id: number; distance: number }> => ({
  sql: NEAREST_SLOTS,
  params: [now, seats, k, pgArray(targetIds)],
});
