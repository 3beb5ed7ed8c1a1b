import type { RequestContext } from '../core/context';
import { run } from '../core/sql';
import { Slot } from './slot.entity';
import { lockSlotIds, lockSlotsStarting } from './slot.sql';

/**
 * Locks slots in id order with FOR NO KEY UPDATE, the lock every seat change takes (`take_seats`): it does
 * not conflict with the KEY SHARE lock a new booking's slot link takes, so a slot being closed or offered
 * and a booking being made wait for each other only in one direction. Answers the fresh rows.
 */
export async function lockSlots(
  tx: RequestContext,
  where: { ids: number[] } | { serviceId: number; from: Date; to: Date; limit: number },
): Promise<Slot[]> {
  const rows = await run(
    tx.em,
    'ids' in where ? lockSlotIds(where.ids) : lockSlotsStarting(where.serviceId, where.from, where.to, where.limit),
  );
  if (rows.length === 0) return [];
  return tx.em.find(Slot, { id: { $in: rows.map((row) => row.id) } }, { orderBy: { id: 'asc' }, refresh: true });
}
