import { DateTime, IANAZone } from 'luxon';
import { BadInput } from './errors';

export interface YearRange {
  first: number;
  last: number;
}

/** Any date or instant the API takes: PostgreSQL has no year 0, and YYYY text ends with 9999. */
export const CALENDAR_YEARS: YearRange = { first: 1970, last: 9999 };

/** Schedules and slots: wide enough for any booking, narrow enough that expanding a schedule stays cheap. */
export const SLOT_YEARS: YearRange = { first: 2000, last: 2100 };

export function inYears(range: YearRange, year: number): boolean {
  return Number.isInteger(year) && range.first <= year && year <= range.last;
}

/** A YYYY-MM-DD date (already well formed) whose year lies in the range. */
export function dateInYears(field: string, date: string, range: YearRange): string {
  if (!inYears(range, Number(date.slice(0, 4))))
    throw new BadInput(field, `must be in the years ${range.first} to ${range.last}`);
  return date;
}

/** An instant whose UTC year lies in the range. */
export function instantInYears(field: string, instant: Date, range: YearRange): Date {
  if (!inYears(range, instant.getUTCFullYear()))
    throw new BadInput(field, `must be in the years ${range.first} to ${range.last}`);
  return instant;
}

export function parseZone(field: string, zone: string): string {
  if (!zone || !IANAZone.isValidZone(zone) || (!zone.includes('/') && zone !== 'UTC')) {
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
  const local = DateTime.fromISO(date, { zone }).set({
    hour: time.hour,
    minute: time.minute,
    second: 0,
    millisecond: 0,
  });
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
