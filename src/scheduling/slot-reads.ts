import type { EntityManager } from '@mikro-orm/postgresql';
import { Money } from '../graphql/money.type';
import type { SlotStatus } from './scheduling.enums';
import type { RequestContext } from '../core/context';
import { preparedRead } from '../infra/orm';
import { run } from '../core/sql';
import { availabilityLevel, type DaySummary } from './availability';
import { MONTH, type RawMonthDay, type RawSlot, slotsOfServices } from './slot-reads.sql';

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

/** The slots of these services starting in [from, to), by service and start, at most `limit` of each, in one statement. */
export async function readSlots(
  em: EntityManager,
  serviceIds: readonly number[],
  from: Date,
  to: Date,
  now: Date,
  limit: number,
): Promise<Map<number, SlotRow[]>> {
  const rows = await run(em, slotsOfServices(serviceIds, from, to, now, limit));
  const byService = new Map<number, SlotRow[]>(serviceIds.map((id) => [id, []]));
  for (const row of rows) byService.get(row.service_id)?.push(slotRowOf(row));
  return byService;
}

export function daySummaryOf(row: RawMonthDay): DaySummary {
  return {
    date: row.local_date,
    slotCount: row.slots,
    availableSpots: row.seats_available,
    level: availabilityLevel(row.seats_available, row.capacity),
    blackout: row.blackout,
  };
}

/** The month [first, last] of a service, a row per date; none when the service does not exist. */
export function readMonth(ctx: RequestContext, serviceId: number, first: string, last: string): Promise<RawMonthDay[]> {
  return preparedRead<RawMonthDay>(ctx, 'month', MONTH, [ctx.clock.now(), serviceId, first, last]);
}
