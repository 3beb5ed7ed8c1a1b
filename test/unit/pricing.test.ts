import { bookingTerms } from '../../src/booking/booking-plan';
import { priceBooking } from '../../src/booking/pricing';
import type { Service } from '../../src/catalog/service.entity';
import type { Slot } from '../../src/scheduling/slot.entity';

const EUR = { childRate: '0.5', infantRate: '0.1', taxRate: '0.1', currency: 'EUR' };

describe('priceBooking', () => {
  it.each([
    // slot prices, party, rates → subtotal, tax, total
    [['25.50', '30.00'], { adults: 2, children: 1, infants: 1 }, EUR, '144.30', '14.43', '158.73'],
    [['10.05'], { adults: 1, children: 0, infants: 0 }, { ...EUR, taxRate: '0.05' }, '10.05', '0.50', '10.55'], // 0.5025 → 0.50
    [['10.10'], { adults: 1, children: 0, infants: 0 }, { ...EUR, taxRate: '0.05' }, '10.10', '0.51', '10.61'], // 0.505 → 0.51, half-up
    [['0.01'], { adults: 1, children: 1, infants: 0 }, { ...EUR, taxRate: '0' }, '0.02', '0.00', '0.02'], // 0.015 → 0.02
    [['1500'], { adults: 2, children: 0, infants: 0 }, { ...EUR, currency: 'JPY' }, '3000', '300', '3300'], // no minor unit
  ])('%j for %j', (prices, party, rates, subtotal, tax, total) => {
    expect(priceBooking(prices, party, rates)).toMatchObject({ subtotal, tax, total });
  });
});

describe('bookingTerms', () => {
  const service = {
    priceAmount: '50.00',
    childRateValue: '1',
    infantRateValue: '0',
    taxRateValue: '0',
    currency: 'EUR',
  } as Service;
  const slot = (id: number, hour: number) =>
    ({
      id,
      startsAt: new Date(Date.UTC(2027, 0, 1, hour)),
      endsAt: new Date(Date.UTC(2027, 0, 1, hour + 1)),
      priceAmount: null,
    }) as unknown as Slot;

  it('keeps the agreed unit price of kept slots and prices new ones at today’s price', () => {
    const terms = bookingTerms(
      service,
      [slot(1, 9), slot(2, 10)],
      { adults: 2, children: 0, infants: 0 },
      new Map([[1, '40.00']]),
    );
    expect([...terms.unitPrices]).toEqual([
      [1, '40.00'],
      [2, '50.00'],
    ]);
    expect(terms).toMatchObject({
      total: '180.00',
      seats: 2,
      startsAt: new Date(Date.UTC(2027, 0, 1, 9)),
      endsAt: new Date(Date.UTC(2027, 0, 1, 11)),
    });
  });
});
