import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../core/errors';
import { announceSlots, SlotChangeReason } from '../live/live-events';
import { Slot } from '../scheduling/slot.entity';
import { capacityExceeded } from './booking-rules';

export type SeatColumn = 'held' | 'booked';

/**
 * Changes seat counters slot by slot in id order, so that two multi-slot bookings never wait on each
 * other in a cycle. Taking seats is one conditional UPDATE per slot: it succeeds only while the slot is
 * open and has room, and the slot's CHECK constraint is the last word. Each new row is merged into the
 * identity map so that the answer shows the committed counters, and announced to live calendars.
 */
export async function changeSeats(em: EntityManager, column: SeatColumn, deltas: Map<number, number>, at: Date): Promise<void> {
  const ordered = [...deltas].filter(([, delta]) => delta !== 0).sort(([a], [b]) => a - b);
  const changed = new Map<string, { serviceId: number; reason: SlotChangeReason; slotIds: number[] }>();
  for (const [slotId, delta] of ordered) {
    const rows: Record<string, unknown>[] =
      delta > 0
        ? await em.execute(
            `update slot set ${column} = ${column} + ? where id = ? and status = 'OPEN' and booked + held + ? <= capacity returning *`,
            [delta, slotId, delta],
          )
        : await em.execute(`update slot set ${column} = ${column} + ? where id = ? returning *`, [delta, slotId]);
    if (rows.length === 0) {
      const [slot] = await em.execute<{ status: string }[]>('select status from slot where id = ?', [slotId]);
      if (slot && slot.status !== 'OPEN') {
        throw new DomainError('SLOT_UNAVAILABLE', `Slot ${slotId} is ${slot.status.toLowerCase()}`, { slotId: String(slotId) });
      }
      throw capacityExceeded(slotId);
    }
    const slot = em.map(Slot, rows[0]);
    const taken = column === 'held' ? SlotChangeReason.HELD : SlotChangeReason.BOOKED;
    const reason = delta > 0 ? taken : SlotChangeReason.RELEASED;
    const key = `${slot.service.id}:${reason}`;
    const group = changed.get(key) ?? { serviceId: slot.service.id, reason, slotIds: [] };
    group.slotIds.push(slotId);
    changed.set(key, group);
  }
  for (const { serviceId, reason, slotIds } of changed.values()) await announceSlots(em, serviceId, slotIds, reason, at);
}
