import { BadInput } from './errors';

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

export function text(field: string, value: string, max: number, opts: { singleLine?: boolean } = {}): string {
  const trimmed = value.trim();
  if (!trimmed) throw new BadInput(field, 'must not be empty');
  if (trimmed.length > max) throw new BadInput(field, `must be at most ${max} characters`);
  if (opts.singleLine && /[\r\n]/.test(trimmed)) throw new BadInput(field, 'must be on one line');
  return trimmed;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : text(field, value, max);
}
