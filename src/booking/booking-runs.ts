import type { Booking } from './booking.entity';

/**
 * A stretch of a booking's time with no gap: its consecutive slots (each ending where the next starts, or
 * overlapping it). A booking of separate slots is one event per run in every calendar and email, so that
 * the gap between two sessions is never shown, or held, as booked.
 */
export interface TimeRun {
  startsAt: Date;
  endsAt: Date;
}

/** The runs of some slots, earliest first. */
export function runsOf(slots: readonly TimeRun[]): TimeRun[] {
  const sorted = [...slots].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const runs: TimeRun[] = [];
  for (const slot of sorted) {
    const last = runs.at(-1);
    if (last && slot.startsAt.getTime() <= last.endsAt.getTime()) {
      if (slot.endsAt > last.endsAt) last.endsAt = slot.endsAt;
    } else runs.push({ startsAt: slot.startsAt, endsAt: slot.endsAt });
  }
  return runs;
}

/** The runs of a booking whose slots are loaded (`populate: ['slots.slot']`). */
export function bookingRuns(booking: Booking): TimeRun[] {
  return runsOf(booking.slots.getItems().map((entry) => entry.slot.getEntity()));
}

/** What an event's title adds when the booking has several runs: which of them it is. */
export function runLabel(run: number, count: number): string {
  return count > 1 ? `, part ${run + 1} of ${count}` : '';
}
