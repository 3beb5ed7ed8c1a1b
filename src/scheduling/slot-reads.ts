import type { EntityManager } from '@mikro-orm/postgresql';
import { Money } from '../core/money.type';
import { SlotStatus } from './scheduling.enums';
import { seatsAvailableSql } from './slot.entity';
import type { SlotSeats } from './availability';

/**
 * A slot as the calendar reads it: a plain row with its free seats and price worked out by PostgreSQL,
 * no entity made. The Slot type's resolvers answer for it as they do for a loaded Slot.
 */
export interface SlotRow {
  id: number;
  serviceId: number;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
  held: number;
  status: SlotStatus;
  available: number;
  price: Money;
}

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
 * [from, to) the window of starts. The server binds them as parameters; the bench sends the same statement.
 */
export const slotsSql = (at: string, serviceIds: string, from: string, to: string) => `select s.id, s.service_id, (extract(epoch from s.starts_at) * 1000)::float8 as starts_at, (extract(epoch from s.ends_at) * 1000)::float8 as ends_at, s.capacity, s.booked, s.held, s.status,
    ${seatsAvailableSql('s', at)} as available, coalesce(s.price_amount, svc.price_amount) as price_amount, svc.currency
  from slot s join service svc on svc.id = s.service_id
  where s.service_id = any(${serviceIds}) and s.starts_at >= ${from} and s.starts_at < ${to}
  order by s.service_id, s.starts_at`;

const SLOTS = slotsSql('?', '?::int[]', '?', '?');

export function slotRowOf(row: RawSlot): SlotRow {
  return {
    id: row.id,
    serviceId: row.service_id,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    capacity: row.capacity,
    booked: row.booked,
    held: row.held,
    status: row.status,
    available: row.available,
    price: Money.of(row.price_amount, row.currency),
  };
}

/** The slots of these services starting in [from, to), by service and start, in one statement. */
export async function readSlots(em: EntityManager, serviceIds: readonly number[], from: Date, to: Date, now: Date): Promise<Map<number, SlotRow[]>> {
  const rows = await em.execute<RawSlot[]>(SLOTS, [now, `{${serviceIds.join(',')}}`, from, to]);
  const byService = new Map<number, SlotRow[]>(serviceIds.map((id) => [id, []]));
  for (const row of rows) byService.get(row.service_id)?.push(slotRowOf(row));
  return byService;
}

/** The day totals of a month, with SQL for its inputs: `at` the instant of "now", the service, [first, last] as dates. */
export const dayTotalsSql = (at: string, serviceId: string, first: string, last: string) => `select s.local_date::text as local_date, count(*)::int as slots, sum(s.capacity)::int as capacity,
    sum(${seatsAvailableSql('s', at)})::int as seats_available
  from slot s where s.service_id = ${serviceId} and s.local_date between ${first} and ${last} and s.status = 'OPEN'
  group by s.local_date`;

const DAY_TOTALS = dayTotalsSql('?', '?', '?::date', '?::date');

export interface RawDayTotals {
  local_date: string;
  slots: number;
  capacity: number;
  seats_available: number;
}

export function daySeatsOf(row: RawDayTotals): SlotSeats {
  return { localDate: row.local_date, slots: row.slots, status: SlotStatus.OPEN, capacity: row.capacity, seatsAvailable: row.seats_available };
}

/** The open slots of one service on each date of [first, last], totalled by PostgreSQL (one row per date). */
export async function readDayTotals(em: EntityManager, serviceId: number, first: string, last: string, now: Date): Promise<SlotSeats[]> {
  return (await em.execute<RawDayTotals[]>(DAY_TOTALS, [now, serviceId, first, last])).map(daySeatsOf);
}
