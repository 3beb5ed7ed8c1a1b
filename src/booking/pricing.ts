import Decimal from 'decimal.js';
import { formatAmount } from '../core/money';

export interface PartySize {
  adults: number;
  children: number;
  infants: number;
}

export interface Rates {
  childRate: string;
  infantRate: string;
  taxRate: string;
  currency: string;
}

export interface PriceBreakdownAmounts {
  subtotal: string;
  discount: string;
  tax: string;
  total: string;
}

/**
 * Price per slot: slot price x (adults + children x childRate + infants x infantRate), summed over the
 * slots and rounded half-up to the minor unit; tax = subtotal x taxRate rounded half-up; total =
 * subtotal - discount + tax. Decimal arithmetic throughout, never binary floating point.
 */
export function priceBooking(
  slotPrices: string[],
  party: PartySize,
  rates: Rates,
  discount = '0',
): PriceBreakdownAmounts {
  const seats = new Decimal(party.adults)
    .plus(new Decimal(party.children).times(rates.childRate))
    .plus(new Decimal(party.infants).times(rates.infantRate));
  const raw = slotPrices.reduce((sum, price) => sum.plus(new Decimal(price).times(seats)), new Decimal(0));
  const subtotal = new Decimal(formatAmount(raw, rates.currency));
  const tax = new Decimal(formatAmount(subtotal.times(rates.taxRate), rates.currency));
  const total = subtotal.minus(discount).plus(tax);
  return {
    subtotal: formatAmount(subtotal, rates.currency),
    discount: formatAmount(discount, rates.currency),
    tax: formatAmount(tax, rates.currency),
    total: formatAmount(total, rates.currency),
  };
}
