import type { TxContext } from '../core/context';
import { run } from '../core/sql';
import { announceSlots, SlotChangeReason } from '../live/live-events';
import { busySlotsOf } from './calendar-busy.sql';

/** The future slots of a provider that a busy time closes now: each slot's service, by slot. */
async function busySlots(tx: TxContext, providerId: number): Promise<Map<number, number>> {
  const rows = await run(tx.em, busySlotsOf(providerId, tx.clock.now()));
  return new Map(rows.map((row) => [row.id, row.service_id]));
}

/**
 * Runs a change of a provider's busy times (read anew, blocking turned off, an account disconnected) and
 * announces the slots it closed or reopened, so that open calendars follow without a reload.
 */
export async function changingBusyTimes(tx: TxContext, providerId: number, change: () => Promise<void>): Promise<void> {
  const before = await busySlots(tx, providerId);
  await change();
  await tx.em.flush();
  const after = await busySlots(tx, providerId);
  const announce = (from: Map<number, number>, to: Map<number, number>, reason: SlotChangeReason) => {
    const byService = new Map<number, number[]>();
    for (const [slotId, serviceId] of from)
      if (!to.has(slotId)) byService.set(serviceId, [...(byService.get(serviceId) ?? []), slotId]);
    for (const [serviceId, slotIds] of byService) announceSlots(tx, serviceId, slotIds, reason);
  };
  announce(after, before, SlotChangeReason.CLOSED);
  announce(before, after, SlotChangeReason.OPENED);
}
