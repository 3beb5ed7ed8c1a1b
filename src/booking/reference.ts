import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: a reference is read aloud and typed by people.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A readable booking reference such as BK-20261201-7KQ2ZD (the date is the day it was made, UTC). */
export function newReference(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let code = '';
  for (let i = 0; i < 6; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `BK-${day}-${code}`;
}
