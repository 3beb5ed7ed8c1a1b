import { BadInput } from './errors';

/**
 * C0 and C1 control characters and DEL, except tab and line feed (multi-line texts keep those).
 * PostgreSQL cannot store NUL in text; the others garble logs, mail headers and screens.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

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

export function text(field: string, value: string, max: number, opts: { singleLine?: boolean } = {}): string {
  const trimmed = printable(field, value).trim();
  if (!trimmed) throw new BadInput(field, 'must not be empty');
  if (trimmed.length > max) throw new BadInput(field, `must be at most ${max} characters`);
  if (opts.singleLine && /[\t\n]/.test(trimmed)) throw new BadInput(field, 'must be one line, without tabs');
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
