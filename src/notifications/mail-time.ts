import { DateTime } from 'luxon';
import { dateLocale, translator } from '../i18n';

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

const DAY_AND_TIME = 'ccc d LLL yyyy, HH:mm';

/** An instant as a reader in `zone` reads it in their language: "Sat 10 Jan 2026, 09:00 (CET)", "sab 10 gen 2026, 09:00 (CET)". */
export function wallTime(date: Date, zone: string, locale = 'en'): string {
  return `${DateTime.fromJSDate(date, { zone }).setLocale(dateLocale(locale)).toFormat(DAY_AND_TIME)} (${zoneAbbreviation(date, zone)})`;
}

/**
 * An instant in the reader's zone, followed by the service's wall time when that reads differently (a
 * customer abroad, or an account left at its default zone, UTC, still sees the time at the venue).
 */
export function readerTime(date: Date, readerZone: string, serviceZone: string, locale = 'en'): string {
  const reader = wallTime(date, readerZone, locale);
  const local = wallTime(date, serviceZone, locale);
  return reader === local ? reader : translator(locale)('when.both', { reader, service: local });
}

/** A span as a reader in `zone` reads it: "Sat 10 Jan 2026, 09:00 to 11:00 (CET)", the end's date written only when it differs. */
export function wallRange(start: Date, end: Date, zone: string, locale = 'en'): string {
  const from = DateTime.fromJSDate(start, { zone }).setLocale(dateLocale(locale));
  const to = DateTime.fromJSDate(end, { zone }).setLocale(dateLocale(locale));
  const [startZone, endZone] = [zoneAbbreviation(start, zone), zoneAbbreviation(end, zone)];
  const endText = to.toFormat(from.hasSame(to, 'day') ? 'HH:mm' : DAY_AND_TIME);
  const t = translator(locale);
  return startZone === endZone
    ? `${t('when.range', { from: from.toFormat(DAY_AND_TIME), to: endText })} (${endZone})`
    : t('when.range', { from: `${from.toFormat(DAY_AND_TIME)} (${startZone})`, to: `${endText} (${endZone})` });
}

/** A span in the reader's zone, and at the service when that reads differently (as readerTime). */
export function readerSpan(
  start: Date,
  end: Date,
  readerZone: string,
  serviceZone: string,
  locale = 'en',
): { reader: string; service: string | null } {
  const reader = wallRange(start, end, readerZone, locale);
  const service = wallRange(start, end, serviceZone, locale);
  return { reader, service: reader === service ? null : service };
}

/** A span in the reader's zone, followed by the span at the service when that reads differently. */
export function readerRange(start: Date, end: Date, readerZone: string, serviceZone: string, locale = 'en'): string {
  const { reader, service } = readerSpan(start, end, readerZone, serviceZone, locale);
  return service ? translator(locale)('when.both', { reader, service }) : reader;
}
