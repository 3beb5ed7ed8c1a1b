import { BadInput } from '../core/errors';
import { en, type MessageKey } from './en';
import { it } from './it';

/**
 * The languages emails and pages come in. A translator adds one: a file like it.ts with every key of
 * en.ts, and one line in CATALOGUES (docs/public-page.md, "Languages").
 */
const CATALOGUES = { en, it } satisfies Record<string, Record<MessageKey, string>>;

export type Locale = keyof typeof CATALOGUES;
export const LOCALES = Object.keys(CATALOGUES) as Locale[];
export const DEFAULT_LOCALE: Locale = 'en';

/** Luxon's locale for dates written in a language: English dates as in Britain (24-hour clock, day first). */
const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', it: 'it-IT' };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function isLocale(value: string | null | undefined): value is Locale {
  return value != null && Object.hasOwn(CATALOGUES, value);
}

/** The messages of a language, `{name}` filled from `values`; an unknown language reads as English. */
export function translator(locale: string | null | undefined): Translate {
  const catalogue: Record<MessageKey, string> = CATALOGUES[isLocale(locale) ? locale : DEFAULT_LOCALE];
  return (key, values = {}) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(values, name) ? String(values[name]) : whole,
    );
}

export function dateLocale(locale: string | null | undefined): string {
  return DATE_LOCALES[isLocale(locale) ? locale : DEFAULT_LOCALE];
}

/**
 * The language an Accept-Language header prefers among ours ("it-IT,it;q=0.9,en;q=0.8" is Italian), by
 * its q weights, the first listed winning ties; null when it names none of ours.
 */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  const wanted = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { language: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1, index };
    })
    .filter(({ language, q }) => isLocale(language) && q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (wanted[0]?.language as Locale | undefined) ?? null;
}

/** A language the API is given, checked: one of ours, else BAD_USER_INPUT naming `field`. */
export function parseLocale(field: string, value: string): Locale {
  const locale = value.trim().toLowerCase();
  if (!isLocale(locale)) throw new BadInput(field, `must be one of ${LOCALES.join(', ')}`);
  return locale;
}

/** The language a request asks for in its Accept-Language, else English. */
export function requestLocale(ctx: { acceptLanguage?: string }): Locale {
  return fromAcceptLanguage(ctx.acceptLanguage) ?? DEFAULT_LOCALE;
}
