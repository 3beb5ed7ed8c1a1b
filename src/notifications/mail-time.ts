import { DateTime } from 'luxon';

/**
 * English locales whose CLDR data name different zones' abbreviations: en-US knows the North American
 * ones (EST) but writes Rome as "GMT+1"; en-GB knows the European ones (CET, BST); en-AU and en-IN their own.
 */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN'];
const OFFSET_ONLY = /^(GMT|UTC)[+-]/;

/** The zone's abbreviation at that instant (CET, CEST, EST, BST, AEDT, IST); a zone that has none reads as its offset (GMT+9). */
export function zoneAbbreviation(date: Date, zone: string): string {
  const at = DateTime.fromJSDate(date, { zone });
  const names = ABBREVIATION_LOCALES.map((locale) => at.setLocale(locale).toFormat('ZZZZ'));
  return names.find((name) => !OFFSET_ONLY.test(name)) ?? names[0];
}

/** An instant as a reader in `zone` reads it: "Sat 10 Jan 2026, 09:00 (CET)". */
export function wallTime(date: Date, zone: string): string {
  return `${DateTime.fromJSDate(date, { zone }).setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm')} (${zoneAbbreviation(date, zone)})`;
}

/**
 * An instant in the reader's zone, followed by the service's wall time when that reads differently (a
 * customer abroad, or an account left at its default zone, UTC, still sees the time at the venue).
 */
export function readerTime(date: Date, readerZone: string, serviceZone: string): string {
  const reader = wallTime(date, readerZone);
  const local = wallTime(date, serviceZone);
  return reader === local ? reader : `${reader}; at the service: ${local}`;
}

/** A span as a reader in `zone` reads it: "Sat 10 Jan 2026, 09:00 to 11:00 (CET)", the end's date written only when it differs. */
export function wallRange(start: Date, end: Date, zone: string): string {
  const from = DateTime.fromJSDate(start, { zone }).setLocale('en-GB');
  const to = DateTime.fromJSDate(end, { zone }).setLocale('en-GB');
  const [startZone, endZone] = [zoneAbbreviation(start, zone), zoneAbbreviation(end, zone)];
  const day = 'ccc d LLL yyyy, HH:mm';
  const endText = to.toFormat(from.hasSame(to, 'day') ? 'HH:mm' : day);
  return startZone === endZone
    ? `${from.toFormat(day)} to ${endText} (${endZone})`
    : `${from.toFormat(day)} (${startZone}) to ${endText} (${endZone})`;
}

/** A span in the reader's zone, and at the service when that reads differently (as readerTime). */
export function readerSpan(
  start: Date,
  end: Date,
  readerZone: string,
  serviceZone: string,
): { reader: string; service: string | null } {
  const reader = wallRange(start, end, readerZone);
  const service = wallRange(start, end, serviceZone);
  return { reader, service: reader === service ? null : service };
}

/** A span in the reader's zone, followed by the span at the service when that reads differently. */
export function readerRange(start: Date, end: Date, readerZone: string, serviceZone: string): string {
  const { reader, service } = readerSpan(start, end, readerZone, serviceZone);
  return service ? `${reader}; at the service: ${service}` : reader;
}
