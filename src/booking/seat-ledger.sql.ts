import { type Fragment, pgArray, sql, type Statement } from '../core/sql';
import type { SeatCounters } from '../live/live-events';
import type { SeatDeltas } from './seat-ledger';

/** The call of `take_seats` (see its migration) for these deltas, in slot-id order as the deltas list them. */
export function takeSeats(deltas: SeatDeltas): Fragment {
  const ids = [...deltas.keys()];
  const held = ids.map((id) => deltas.get(id)!.held);
  const booked = ids.map((id) => deltas.get(id)!.booked);
  return sql`take_seats(${pgArray(ids)}::int[], ${pgArray(held)}::int[], ${pgArray(booked)}::int[])`;
}

/** `take_seats` alone: the counters of every slot it changed. */
export const changeSeatsStatement = (deltas: SeatDeltas): Statement<{ changed: SeatCounters[] }> =>
  sql`select ${takeSeats(deltas)} as changed`.statement();
