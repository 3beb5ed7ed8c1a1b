import { DateTime, IANAZone } from 'luxon';
import { BadInput } from './errors';

export function parseZone(field: string, zone: string): string {
  if (!zone || !IANAZone.isValidZone(zone) || !zone.includes('/') && zone !== 'UTC') {
    throw new BadInput(field, `"${String(zone).slice(0, 64)}" is not an IANA time zone`);
  }
  return new IANAZone(zone).name;
}

/** HH:mm, 00:00 to 23:59. */
export function parseWallTime(field: string, value: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw new BadInput(field, `"${value.slice(0, 20)}" is not a time HH:mm`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The instant of a wall time in a zone. A time skipped by spring-forward moves forward by the gap
 * (luxon's choice); a time repeated by fall-back takes the earlier instant (luxon would take the later).
 */
export function zonedInstant(date: string, time: { hour: number; minute: number }, zone: string): Date {
  const local = DateTime.fromISO(date, { zone }).set({ hour: time.hour, minute: time.minute, second: 0, millisecond: 0 });
  const [earliest] = local
    .getPossibleOffsets()
    .map((candidate) => candidate.toMillis())
    .sort((a, b) => a - b);
  return new Date(earliest ?? local.toMillis());
}

/** The calendar date of an instant in a zone. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days;
}

/** Every date from `from` to `to`, inclusive. */
export function datesInRange(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = DateTime.fromISO(from, { zone: 'UTC' }); day.toISODate()! <= to; day = day.plus({ days: 1 })) {
    dates.push(day.toISODate()!);
  }
  return dates;
}
