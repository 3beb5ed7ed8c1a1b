import Decimal from 'decimal.js';
import { formatAmount } from '../core/money';
import type { PriceBreakdownAmounts } from '../booking/pricing';
import { PromoCodeKind } from './promo-code.entity';

/**
 * A promo code as a booking agreed to it, kept in its agreed terms: what the code took off then, whatever
 * the provider does to the code later.
 */
export interface AgreedPromo {
  codeId: number;
  code: string;
  kind: PromoCodeKind;
  /** Percent (PERCENT) or an amount of the booking's currency (FIXED). */
  value: string;
}

/**
 * What a promo code takes off a price (subtotal + tax, the price the customer would pay without it): a
 * PERCENT code that share of it, rounded half-up to the minor unit; a FIXED code its amount, never more
 * than the price (the total never goes below zero). The tax stays subtotal x taxRate.
 */
export function discountOf(promo: AgreedPromo | undefined, price: PriceBreakdownAmounts, currency: string): string {
  if (!promo) return formatAmount(0, currency);
  const gross = new Decimal(price.subtotal).plus(price.tax);
  const off =
    promo.kind === PromoCodeKind.PERCENT ? gross.times(promo.value).div(100) : Decimal.min(promo.value, gross);
  return formatAmount(off, currency);
}
