import { BadInput } from '../../src/core/errors';
import { parseAmount } from '../../src/core/money';
import { printable, text } from '../../src/core/validate';
import { dateInYears, SLOT_YEARS } from '../../src/core/zoned-time';

describe('printable and text', () => {
  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['VT', '\u000b'],
    ['CR', '\r'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['NEL', '\u0085'],
    ['APC', '\u009f'],
  ])('refuses %s', (_name, control) => {
    expect(() => printable('notes', `a${control}b`)).toThrow(
      new BadInput('notes', 'must not contain control characters'),
    );
  });

  it('keeps tab and line feed in multi-line text, and refuses them on one line', () => {
    expect(text('description', ' one\ttwo\nthree ', 100)).toBe('one\ttwo\nthree');
    expect(() => text('name', 'one\ttwo', 100, { singleLine: true })).toThrow('name: must be one line');
    expect(() => text('name', 'one\ntwo', 100, { singleLine: true })).toThrow('name: must be one line');
    expect(text('name', 'Caffè ☕ 😀', 100, { singleLine: true })).toBe('Caffè ☕ 😀');
  });
});

describe('parseAmount', () => {
  it('takes what decimal(14,4) holds: at most 10 digits before the point', () => {
    expect(parseAmount('priceAmount', '9999999999.99', 'EUR')).toBe('9999999999.99');
    expect(parseAmount('priceAmount', '000000000001.5', 'EUR')).toBe('1.50');
    expect(() => parseAmount('priceAmount', '10000000000', 'EUR')).toThrow(
      'priceAmount: must have at most 10 digits before the point',
    );
    expect(() => parseAmount('amount', '99999999999.99', 'EUR')).toThrow('amount:');
    expect(() => parseAmount('priceAmount', `${'0'.repeat(1 << 20)}x`, 'EUR')).toThrow('is not a decimal amount');
  });
});

describe('dates at the end of the calendar', () => {
  it('keeps schedules and slots in their years', () => {
    expect(dateInYears('validFrom', '2100-12-31', SLOT_YEARS)).toBe('2100-12-31');
    expect(() => dateInYears('validFrom', '1999-12-31', SLOT_YEARS)).toThrow(
      'validFrom: must be in the years 2000 to 2100',
    );
  });
});
