import { DateTime } from 'luxon';
import { localDate, zonedInstant } from '../core/zoned-time';
import { minutesOf, wallTimeOf } from './working-hours';

/** What of a blackout decides the time it blocks. */
export interface BlackoutTimes {
  startsOn: string;
  endsOn: string;
  allDay: boolean;
  /** HH:mm or HH:mm:ss (as PostgreSQL's time type reads). */
  startTime?: string | null;
  endTime?: string | null;
}

export interface Period {
  start: Date;
  end: Date;
}

const nextDate = (date: string, days = 1): string =>
  DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;

/** The instant of a wall time (minutes after midnight, up to 24:00) on a date in a zone. */
function instantOf(date: string, minutes: number, zone: string): Date {
  return minutes === 24 * 60
    ? zonedInstant(nextDate(date), wallTimeOf(0), zone)
    : zonedInstant(date, wallTimeOf(minutes), zone);
}

/**
 * The instants a blackout blocks for a service in `zone`, on its dates within [from, to]: each whole date,
 * or each date's startTime to endTime. The SQL rule (blackoutCoversSql) reads it the same way.
 */
export function blackoutPeriods(blackout: BlackoutTimes, zone: string, from: string, to: string): Period[] {
  const start = blackout.allDay ? 0 : minutesOf('startTime', blackout.startTime!.slice(0, 5));
  const end = blackout.allDay ? 24 * 60 : minutesOf('endTime', blackout.endTime!.slice(0, 5), true);
  const periods: Period[] = [];
  const last = blackout.endsOn < to ? blackout.endsOn : to;
  for (let date = blackout.startsOn > from ? blackout.startsOn : from; date <= last; date = nextDate(date)) {
    periods.push({ start: instantOf(date, start, zone), end: instantOf(date, end, zone) });
  }
  return periods;
}

/**
 * Whether a blackout covers a slot of a service in `zone` (blackoutCoversSql): a whole-day one its local
 * date, a part-day one any of its time.
 */
export function blackoutCovers(blackout: BlackoutTimes, slot: Period & { localDate: string }, zone: string): boolean {
  if (blackout.allDay) return blackout.startsOn <= slot.localDate && slot.localDate <= blackout.endsOn;
  return blackoutPeriods(blackout, zone, slot.localDate, localDate(slot.end, zone)).some(
    (period) => period.start < slot.end && period.end > slot.start,
  );
}

/** Whether the periods together cover all of [start, end). */
export function covered(periods: readonly Period[], start: Date, end: Date): boolean {
  let reached = start.getTime();
  for (const period of [...periods].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    if (period.start.getTime() > reached) break;
    reached = Math.max(reached, period.end.getTime());
    if (reached >= end.getTime()) return true;
  }
  return reached >= end.getTime();
}
