import { pgArray, type Statement } from '../core/sql';
import type { SlotStatus } from './scheduling.enums';
import { closureGuardsSql, seatsAvailableSql, wholeDayBlackoutSql } from './slot.sql';

// The calendar's reads (slot-reads.ts): built over SQL for their inputs, so that the bench sends the same text.

/** A row of the slot read. */
export interface RawSlot {
  id: number;
  service_id: number;
  /** Milliseconds since the epoch: the ORM's driver reads timestamps as text. */
  starts_at: number;
  ends_at: number;
  capacity: number;
  booked: number;
  held: number;
  status: SlotStatus;
  available: number;
  price_amount: string;
  currency: string;
}

/**
 * The slot read, with SQL for its inputs: `at` the instant of "now", `serviceIds` an int[] of services,
 * [from, to) the window of starts, `limit` the most rows read per service. The server binds them as
 * parameters; the bench sends the same statement.
 */
export const slotsSql = (
  at: string,
  serviceIds: string,
  from: string,
  to: string,
  limit: string,
) => `select s.id, s.service_id, (extract(epoch from s.starts_at) * 1000)::float8 as starts_at, (extract(epoch from s.ends_at) * 1000)::float8 as ends_at, s.capacity, s.booked, s.held, s.status,
    ${seatsAvailableSql('s', at, { alias: 'svc' })} as available, coalesce(s.price_amount, svc.price_amount) as price_amount, svc.currency
  from service svc cross join lateral (select * from slot where slot.service_id = svc.id and slot.starts_at >= ${from} and slot.starts_at < ${to} order by slot.starts_at limit ${limit}) s
  where svc.id = any(${serviceIds})
  order by s.service_id, s.starts_at`;

const SLOTS = slotsSql('?', '?::int[]', '?', '?', '?');

/** The slots of these services starting in [from, to) by service and start, at most `limit` of each, with their free seats at `now`. */
export const slotsOfServices = (
  serviceIds: readonly number[],
  from: Date,
  to: Date,
  now: Date,
  limit: number,
): Statement<RawSlot> => ({
  sql: SLOTS,
  // The placeholders in the order they appear in the text: now, the window and limit (lateral), then the services.
  params: [now, from, to, limit, pgArray(serviceIds)],
});

/**
 * A month of one service, with SQL for its inputs: `at` the instant of "now", the service, [first, last] as
 * dates. One row per date (none when the service does not exist): its open slots, their seats and free seats,
 * whether a whole-day blackout covers it, and who may see the service. The service-level parts of "closed" are looked
 * for once (closureGuardsSql), so a month without blackouts or busy times costs a scan of its slots.
 */
export const monthSql = (at: string, serviceId: string, first: string, last: string): string => {
  const guards = closureGuardsSql('v', at, first, last);
  return `with v as materialized (select v.id, v.provider_id, v.timezone, v.capacity, v.buffer_before_minutes, v.buffer_after_minutes, v.active, p.user_id as owner_user_id
      from service v join provider p on p.id = v.provider_id where v.id = ${serviceId}),
    g as materialized (select ${guards.blackedOut} as blacked_out, ${guards.calendarBusy} as calendar_busy, ${guards.providerBusy} as provider_busy from v),
    totals as (select s.local_date, count(*)::int as slots, sum(s.capacity)::int as capacity,
        sum(${seatsAvailableSql('s', at, { alias: 'v', guards: { blackedOut: 'g.blacked_out', calendarBusy: 'g.calendar_busy', providerBusy: 'g.provider_busy' } })})::int as seats_available
      from v cross join g join slot s on s.service_id = v.id
      where s.local_date between ${first} and ${last} and s.status = 'OPEN' group by s.local_date)
  select d::date::text as local_date, coalesce(t.slots, 0) as slots, coalesce(t.capacity, 0) as capacity, coalesce(t.seats_available, 0) as seats_available,
      g.blacked_out and ${wholeDayBlackoutSql('v', 'd::date')} as blackout,
      v.active, v.owner_user_id
    from v cross join g cross join generate_series(${first}, ${last}, interval '1 day') d
    left join totals t on t.local_date = d::date
    order by d`;
};

/** The month statement as a named prepared statement sends it: its values are now, the service, the first and the last date. */
export const MONTH = monthSql('$1', '$2', '$3::date', '$4::date');

/** A row of the month statement: one date. */
export interface RawMonthDay {
  local_date: string;
  slots: number;
  capacity: number;
  seats_available: number;
  blackout: boolean;
  active: boolean;
  owner_user_id: number;
}
