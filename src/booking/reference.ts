import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: a reference is read aloud and typed by people.
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * The database refused a new booking's reference as taken (its unique constraint). Six characters of 31 a
 * day meet again: at 10,000 bookings a day, on about one day in 18.
 */
export function referenceTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'booking_reference_unique';
}

/** A readable booking reference such as BK-20261201-7KQ2ZD (the date is the day it was made, UTC). */
export function newReference(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let code = '';
  for (let i = 0; i < 6; i += 1) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `BK-${day}-${code}`;
}
