import Decimal from 'decimal.js';
import { formatAmount } from '../core/money';

export interface PartySize {
  adults: number;
  children: number;
  infants: number;
}

/** Who a price line is for. */
export enum PartyCategory {
  ADULT = 'ADULT',
  CHILD = 'CHILD',
  INFANT = 'INFANT',
}

/** Each category with the party's count of it, in the order lines list them. */
export const CATEGORIES: readonly (readonly [PartyCategory, keyof PartySize])[] = [
  [PartyCategory.ADULT, 'adults'],
  [PartyCategory.CHILD, 'children'],
  [PartyCategory.INFANT, 'infants'],
];

/** The rates a price is made with: a child's and an infant's share of the adult price, the tax, the currency. */
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
 * One line of a price: `count` people of one category on one slot, each paying `slotPrice x rate`, taxed
 * at `taxRate`. Lines are stored with what they price (a booking, a proposal, an offer), so that a price,
 * once agreed, never depends on the service again.
 */
export interface PriceLine {
  slotId: number;
  category: PartyCategory;
  count: number;
  /** The adult price of the slot the line was agreed at. */
  slotPrice: string;
  /** The category's share of the slot price: 1 for adults, the child or infant rate agreed. */
  rate: string;
  taxRate: string;
}

/** A slot with the adult price it is sold at. */
export interface PricedSlot {
  id: number;
  price: string;
}

function rateOf(category: PartyCategory, rates: Rates): string {
  if (category === PartyCategory.CHILD) return rates.childRate;
  return category === PartyCategory.INFANT ? rates.infantRate : '1';
}

/** What one person of a line pays, exact (not rounded). */
export function unitPrice(line: PriceLine): Decimal {
  return new Decimal(line.slotPrice).times(line.rate);
}

/** What a line costs before tax, exact (not rounded). */
export function lineAmount(line: PriceLine): Decimal {
  return unitPrice(line).times(line.count);
}

/** The lines of a party on slots at these prices and rates: one per slot and category present, by slot. */
export function priceLines(slots: PricedSlot[], party: PartySize, rates: Rates): PriceLine[] {
  return slots.flatMap((slot) =>
    CATEGORIES.filter(([, key]) => party[key] > 0).map(([category, key]) => ({
      slotId: slot.id,
      category,
      count: party[key],
      slotPrice: slot.price,
      rate: rateOf(category, rates),
      taxRate: rates.taxRate,
    })),
  );
}

/**
 * What lines cost: the subtotal is their exact sum rounded half-up to the currency's minor unit; the tax,
 * for each tax rate among the lines, is the subtotal of its lines rounded, times the rate, rounded half-up;
 * total = subtotal - discount + tax. Decimal arithmetic throughout, never binary floating point.
 */
export function priceOf(lines: PriceLine[], currency: string, discount = '0'): PriceBreakdownAmounts {
  const byTaxRate = new Map<string, Decimal>();
  for (const line of lines) {
    const key = new Decimal(line.taxRate).toString();
    byTaxRate.set(key, (byTaxRate.get(key) ?? new Decimal(0)).plus(lineAmount(line)));
  }
  const raw = [...byTaxRate.values()].reduce((sum, amount) => sum.plus(amount), new Decimal(0));
  const subtotal = new Decimal(formatAmount(raw, currency));
  const tax = [...byTaxRate].reduce(
    (sum, [rate, amount]) => sum.plus(formatAmount(new Decimal(formatAmount(amount, currency)).times(rate), currency)),
    new Decimal(0),
  );
  return {
    subtotal: formatAmount(subtotal, currency),
    discount: formatAmount(discount, currency),
    tax: formatAmount(tax, currency),
    total: formatAmount(subtotal.minus(discount).plus(tax), currency),
  };
}

/** The people of one category as agreed, in the order they were agreed: their count, rate and tax. */
type People = Pick<PriceLine, 'count' | 'rate' | 'taxRate'>[];

/** The first `count` people of `people` (those agreed first). */
function keep(people: People, count: number): People {
  const kept: People = [];
  let left = count;
  for (const group of people) {
    if (left === 0) break;
    const taken = Math.min(group.count, left);
    kept.push({ count: taken, rate: group.rate, taxRate: group.taxRate });
    left -= taken;
  }
  return kept;
}

/**
 * The lines of a changed booking. What it keeps keeps its agreed terms, what it adds takes today's: on a
 * slot it keeps, the people it keeps keep their lines (slot price, rate and tax) and added people pay the
 * slot's agreed price at today's rate and tax; on a slot it adds, the people it keeps pay today's slot
 * price at their own agreed rate and tax, and added people today's price, rate and tax. Fewer people of a
 * category drop the last agreed first.
 */
export function repriceLines(agreed: PriceLine[], slots: PricedSlot[], party: PartySize, today: Rates): PriceLine[] {
  const firstSlot = agreed[0]?.slotId;
  const lines: PriceLine[] = [];
  const push = (line: PriceLine) => {
    const last = lines.at(-1);
    const same =
      last &&
      last.slotId === line.slotId &&
      last.category === line.category &&
      new Decimal(last.slotPrice).eq(line.slotPrice) &&
      new Decimal(last.rate).eq(line.rate) &&
      new Decimal(last.taxRate).eq(line.taxRate);
    if (same) last.count += line.count;
    else lines.push(line);
  };
  for (const slot of slots) {
    const own = agreed.filter((line) => line.slotId === slot.id);
    const slotPrice = own[0]?.slotPrice ?? slot.price;
    for (const [category, key] of CATEGORIES) {
      const people = agreed.filter(
        (line) => line.slotId === (own.length ? slot.id : firstSlot) && line.category === category,
      );
      const kept = keep(people, party[key]);
      for (const group of kept) push({ slotId: slot.id, category, slotPrice, ...group });
      const added = party[key] - kept.reduce((sum, group) => sum + group.count, 0);
      if (added > 0)
        push({
          slotId: slot.id,
          category,
          count: added,
          slotPrice,
          rate: rateOf(category, today),
          taxRate: today.taxRate,
        });
    }
  }
  return lines;
}
