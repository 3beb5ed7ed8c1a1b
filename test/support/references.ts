import crypto from 'node:crypto';
import { REFERENCE_ALPHABET } from '../../src/booking/reference';

/**
 * Runs `work` with the server's next booking reference drawn to repeat `taken`'s six characters, as two
 * bookings of one day now and then draw (node's randomInt, which the in-process server draws them with, made
 * to answer them); answers what `work` did and how many reference characters were drawn in all.
 */
export async function drawingAgain<T>(taken: string, work: () => Promise<T>): Promise<{ result: T; drawn: number }> {
  const code = taken.slice(-6);
  const draw = crypto.randomInt;
  let forced = 0;
  const draws = jest
    .spyOn(crypto, 'randomInt')
    .mockImplementation(((max: number) =>
      max === REFERENCE_ALPHABET.length && forced < code.length
        ? REFERENCE_ALPHABET.indexOf(code[forced++])
        : draw(max)) as typeof crypto.randomInt);
  try {
    const result = await work();
    expect(forced).toBe(code.length);
    return { result, drawn: draws.mock.calls.filter(([max]) => max === REFERENCE_ALPHABET.length).length };
  } finally {
    draws.mockRestore();
  }
}
