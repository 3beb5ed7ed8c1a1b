import { bookingTerms } from '../../src/booking/booking-plan';
import {
  PartyCategory,
  priceLines,
  priceOf,
  repriceLines,
  type PartySize,
  type PriceLine,
  type Rates,
} from '../../src/booking/pricing';
import { dueBack, type AgreedTerms } from '../../src/booking/terms';
import type { Slot } from '../../src/scheduling/slot.entity';
import Decimal from 'decimal.js';

const EUR: Rates = { childRate: '0.5', infantRate: '0.1', taxRate: '0.1', currency: 'EUR' };
const slots = (...prices: string[]) => prices.map((price, index) => ({ id: index + 1, price }));
const party = (adults: number, children = 0, infants = 0): PartySize => ({ adults, children, infants });

describe('priceOf (lines of a party on slots)', () => {
  it.each([
    // slot prices, party, rates → subtotal, tax, total
    [['25.50', '30.00'], party(2, 1, 1), EUR, '144.30', '14.43', '158.73'],
    [['10.05'], party(1), { ...EUR, taxRate: '0.05' }, '10.05', '0.50', '10.55'], // 0.5025 → 0.50
    [['10.10'], party(1), { ...EUR, taxRate: '0.05' }, '10.10', '0.51', '10.61'], // 0.505 → 0.51, half-up
    [['0.01'], party(1, 1), { ...EUR, taxRate: '0' }, '0.02', '0.00', '0.02'], // 0.015 → 0.02
    [['1500'], party(2), { ...EUR, currency: 'JPY' }, '3000', '300', '3300'], // no minor unit
  ])('%j for %j', (prices, who, rates, subtotal, tax, total) => {
    expect(priceOf(priceLines(slots(...prices), who, rates), rates.currency)).toMatchObject({ subtotal, tax, total });
  });

  it('lists one line per slot and category present, with its unit price and rate', () => {
    expect(priceLines(slots('40.00'), party(2, 1), EUR)).toEqual([
      { slotId: 1, category: PartyCategory.ADULT, count: 2, slotPrice: '40.00', rate: '1', taxRate: '0.1' },
      { slotId: 1, category: PartyCategory.CHILD, count: 1, slotPrice: '40.00', rate: '0.5', taxRate: '0.1' },
    ]);
  });

  it('taxes each tax rate on the rounded subtotal of its lines', () => {
    const lines: PriceLine[] = [
      { slotId: 1, category: PartyCategory.ADULT, count: 1, slotPrice: '10.00', rate: '1', taxRate: '0.1' },
      { slotId: 1, category: PartyCategory.ADULT, count: 1, slotPrice: '10.00', rate: '1', taxRate: '0.2' },
    ];
    expect(priceOf(lines, 'EUR')).toEqual({ subtotal: '20.00', discount: '0.00', tax: '3.00', total: '23.00' });
  });
});

/**
 * The money rules of a change, as a table: what it keeps keeps its agreed terms (slot price, rate, tax),
 * what it adds takes today's. Booked: 2 adults + 2 children on slot 1 at 50.00, child rate 0.5, tax 0.2
 * (150.00 + 30.00 = 180.00). Today: slot 1 and 2 cost 80.00, child rate 1, infant 0.5, tax 0.25.
 */
describe('repriceLines (a change to a booking)', () => {
  const agreed = priceLines(slots('50.00'), party(2, 2), {
    childRate: '0.5',
    infantRate: '0',
    taxRate: '0.2',
    currency: 'EUR',
  });
  const today: Rates = { childRate: '1', infantRate: '0.5', taxRate: '0.25', currency: 'EUR' };
  const slot1 = { id: 1, price: '80.00' };
  const slot2 = { id: 2, price: '80.00' };

  it.each([
    ['nothing changes', [slot1], party(2, 2), '150.00', '30.00', '180.00'],
    ['one child fewer: the kept child keeps its rate and tax', [slot1], party(2, 1), '125.00', '25.00', '150.00'],
    ['one adult fewer', [slot1], party(1, 2), '100.00', '20.00', '120.00'],
    // 2 x 50 + 2 x 25 kept (tax 0.2: 30.00) + 1 child at the agreed slot price, today's rate 1 and tax 0.25 (50 → 12.50)
    [
      'one child more: at the agreed slot price, today’s rate and tax',
      [slot1],
      party(2, 3),
      '200.00',
      '42.50',
      '242.50',
    ],
    // an infant at 50 x 0.5 = 25, taxed 0.25 = 6.25
    ['an infant more', [slot1], party(2, 2, 1), '175.00', '36.25', '211.25'],
    // moved to slot 2 (today 80.00): the same people keep their rates and tax: 2 x 80 + 2 x 40 = 240, tax 48
    [
      'moved to a new slot: today’s slot price, their own rates and tax',
      [slot2],
      party(2, 2),
      '240.00',
      '48.00',
      '288.00',
    ],
    ['a slot added', [slot1, slot2], party(2, 2), '390.00', '78.00', '468.00'],
  ])('%s', (_what, next, who, subtotal, tax, total) => {
    expect(priceOf(repriceLines(agreed, next, who, today), 'EUR')).toEqual({ subtotal, discount: '0.00', tax, total });
  });

  it('drops the people agreed last first', () => {
    const grown = repriceLines(agreed, [slot1], party(2, 3), today);
    const back = repriceLines(grown, [slot1], party(2, 2), today);
    expect(back).toEqual(agreed);
  });
});

describe('bookingTerms', () => {
  const slot = (id: number, hour: number) =>
    ({
      id,
      startsAt: new Date(Date.UTC(2027, 0, 1, hour)),
      endsAt: new Date(Date.UTC(2027, 0, 1, hour + 1)),
      priceAmount: null,
    }) as unknown as Slot;
  const terms: AgreedTerms = {
    currency: 'EUR',
    childRate: '1',
    infantRate: '0',
    taxRate: '0',
    cutoffHours: 24,
    refundBeforeCutoff: '1',
    refundAfterCutoff: '0',
  };

  it('prices the agreed lines and keeps each slot’s agreed unit price', () => {
    const lines = priceLines(
      [
        { id: 1, price: '40.00' },
        { id: 2, price: '50.00' },
      ],
      party(2),
      terms,
    );
    const booking = bookingTerms([slot(1, 9), slot(2, 10)], party(2), { terms, lines });
    expect([...booking.unitPrices]).toEqual([
      [1, '40.00'],
      [2, '50.00'],
    ]);
    expect(booking).toMatchObject({
      total: '180.00',
      seats: 2,
      startsAt: new Date(Date.UTC(2027, 0, 1, 9)),
      endsAt: new Date(Date.UTC(2027, 0, 1, 11)),
    });
  });
});

/** The refund policy as agreed: what a customer's cancellation gets back, by when it comes. */
describe('dueBack (the agreed cancellation policy)', () => {
  const start = new Date('2027-01-10T09:00:00Z');
  const hoursBefore = (hours: number) => new Date(start.getTime() - hours * 3_600_000);
  const policy = (cutoffHours: number, refundAfterCutoff: string): AgreedTerms => ({
    currency: 'EUR',
    childRate: '1',
    infantRate: '0',
    taxRate: '0',
    cutoffHours,
    refundBeforeCutoff: '1',
    refundAfterCutoff,
  });

  it.each([
    [24, '0', 25, '80.00', false],
    [24, '0', 24, '80.00', false], // exactly at the cutoff is in time
    [24, '0', 23, '0.00', true],
    [24, '0.5', 23, '40.00', true],
    [240, '0', 120, '0.00', true],
    [24, '0.333', 1, '26.64', true], // 26.64 from 80 x 0.333 = 26.64
  ])('cutoff %i h, %s back late: cancelled %i h before gives %s', (cutoff, late, hours, amount, isLate) => {
    const back = dueBack(policy(cutoff, late), start, hoursBefore(hours), new Decimal('80.00'));
    expect([back.amount.toFixed(2), back.late]).toEqual([amount, isLate]);
  });
});
