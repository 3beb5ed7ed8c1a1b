import { mapRow } from '../infra/orm';
import { wrap } from '@mikro-orm/core';
import type { TxContext } from '../core/context';
import { databaseRefusal } from '../core/refusals';
import { run } from '../core/sql';
import { changeSeatsStatement } from './seat-ledger.sql';
import { announceSlots, SlotChangeReason, type SeatCounters } from '../live/live-events';
import type { SeatColumn } from './booking.state';
import { Slot } from '../scheduling/slot.entity';

/** How one slot's counters change. */
export interface SeatDelta {
  held: number;
  booked: number;
}

export type SeatDeltas = Map<number, SeatDelta>;

/** Seats moved from one place to another on each slot: taken (from none), released (to none) or converted (held to booked). */
export function seatMove(seats: Map<number, number>, from: SeatColumn | null, to: SeatColumn | null): SeatDeltas {
  const deltas: SeatDeltas = new Map();
  for (const [slotId, count] of seats) {
    const delta = { held: 0, booked: 0 };
    if (from) delta[from] -= count;
    if (to) delta[to] += count;
    if (delta.held !== 0 || delta.booked !== 0) deltas.set(slotId, delta);
  }
  return deltas;
}

/** What `take_seats` answers for each slot it changed. */
export type SlotCounters = SeatCounters;

/** Puts the committed counters into the slots this request already holds, so that its answer shows them. */
export function showCounters(tx: TxContext, changed: SlotCounters[]): void {
  for (const counters of changed) {
    const slot = tx.em.getUnitOfWork().getById<Slot>(Slot.name, counters.id);
    if (slot && wrap(slot).isInitialized()) mapRow(tx.em, Slot, counters);
  }
}

/** Why a slot changed, as live calendars are told. */
export function seatReason({ held, booked }: SeatDelta): SlotChangeReason {
  return booked > 0 ? SlotChangeReason.BOOKED : held > 0 ? SlotChangeReason.HELD : SlotChangeReason.RELEASED;
}

/** Announces the changed slots to live calendars when the transaction commits, with the counters the change left. */
export function announceSeats(tx: TxContext, serviceId: number, deltas: SeatDeltas, changed: SlotCounters[]): void {
  const byReason = new Map<SlotChangeReason, number[]>();
  for (const [slotId, delta] of deltas)
    byReason.set(seatReason(delta), [...(byReason.get(seatReason(delta)) ?? []), slotId]);
  for (const [reason, slotIds] of byReason) announceSlots(tx, serviceId, slotIds, reason, changed);
}

/**
 * Changes seat counters of slots of one service in one statement, in slot-id order (the lock order of every
 * seat change), or refuses with CAPACITY_EXCEEDED / SLOT_UNAVAILABLE and changes nothing.
 */
export async function changeSeats(tx: TxContext, serviceId: number, deltas: SeatDeltas): Promise<void> {
  if (deltas.size === 0) return;
  let changed: SlotCounters[];
  try {
    [{ changed }] = await run(tx.em, changeSeatsStatement(deltas));
  } catch (error) {
    throw databaseRefusal(error) ?? error;
  }
  showCounters(tx, changed);
  announceSeats(tx, serviceId, deltas, changed);
}
