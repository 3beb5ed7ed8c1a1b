import { BadInput } from './errors';

/**
 * C0 and C1 control characters and DEL, except tab and line feed (multi-line texts keep those).
 * PostgreSQL cannot store NUL in text; the others garble logs, mail headers and screens.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * Bidirectional embeddings, overrides and isolates: they make text show in another order than it is
 * stored and read, so what a reader sees is not what was written (a name, a note, a reason).
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * What a one-line display text (a name, a label) must not hold: characters a reader cannot see or that
 * change how text is shown (format characters such as zero-width spaces and bidi marks, other
 * default-ignorables such as Hangul fillers, line and paragraph separators, private-use, unassigned and
 * lone surrogates), so that two names that look alike are alike and no name is blank. Kept: the
 * zero-width joiner and non-joiner (emoji sequences, Persian and Indic scripts), variation selectors and
 * tag characters (emoji presentation, subdivision flags). Written as a string: TypeScript's target
 * predates the `v` flag that set subtraction needs.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal with the v flag does not compile for TypeScript's target
const INVISIBLE_IN_NAMES = new RegExp(
  '[[\\p{Cf}\\p{Default_Ignorable_Code_Point}\\p{Zl}\\p{Zp}\\p{Co}\\p{Cn}\\p{Cs}]--[\\u200C\\u200D\\uFE00-\\uFE0F\\u{E0020}-\\u{E007F}\\u{E0100}-\\u{E01EF}]]',
  'v',
);
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

/** Small checks that name the field they refuse. */
export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadInput(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function rate(field: string, value: number, max: number): string {
  if (!Number.isFinite(value) || value < 0 || value > max) throw new BadInput(field, `must be from 0 to ${max}`);
  // String() gives the shortest decimal that reads back as this number: exact for 0.1, 0.075, ...
  return String(value);
}

/**
 * A UTF-16 surrogate without its pair (JSON's "\ud800"): not a character, so not storable as UTF-8 text;
 * PostgreSQL refuses it in JSON and the driver would change it silently elsewhere.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Any string the API takes: valid Unicode, no control characters but tab and line feed. */
export function printable(field: string, value: string): string {
  if (CONTROL_CHARACTER.test(value)) throw new BadInput(field, 'must not contain control characters');
  if (LONE_SURROGATE.test(value)) throw new BadInput(field, 'must be valid Unicode (it holds a lone surrogate)');
  return value;
}

/**
 * A text to show: trimmed, not empty, at most `max` characters, without bidi controls; a `singleLine` one
 * (a name, a label) is one line without tabs or invisible characters, and has something visible in it.
 */
export function text(field: string, value: string, max: number, opts: { singleLine?: boolean } = {}): string {
  const trimmed = printable(field, value).trim();
  if (!trimmed) throw new BadInput(field, 'must not be empty');
  if (trimmed.length > max) throw new BadInput(field, `must be at most ${max} characters`);
  if (BIDI_CONTROL.test(trimmed))
    throw new BadInput(field, 'must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)');
  if (!opts.singleLine) return trimmed;
  if (/[\t\n]/.test(trimmed)) throw new BadInput(field, 'must be one line, without tabs');
  if (INVISIBLE_IN_NAMES.test(trimmed))
    throw new BadInput(
      field,
      'must not contain invisible or formatting characters (zero-width spaces, bidi marks, ...)',
    );
  if (!VISIBLE.test(trimmed)) throw new BadInput(field, 'must contain a visible character');
  return trimmed;
}

export function optionalText(
  field: string,
  value: string | null | undefined,
  max: number,
  opts: { singleLine?: boolean } = {},
): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : text(field, value, max, opts);
}
