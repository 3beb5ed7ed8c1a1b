import Decimal from 'decimal.js';
import type { BookableService } from './bookable';
import { formatAmount } from '../core/money';
import type { AgreedPromo } from '../promotions/discount';
import type { Rates } from './pricing';

const HOUR_MS = 3_600_000;

/**
 * What a customer agreed to besides the slots' prices (which its price lines keep): the rates, the
 * currency and the cancellation policy. Frozen when they agree (a booking, a proposal, a counter-offer, a
 * waitlist entry) and stored with it; never re-read from the service afterwards.
 */
export interface AgreedTerms extends Rates {
  /** A customer's cancellation at least this many hours before the first slot gets back `refundBeforeCutoff`. */
  cutoffHours: number;
  /** The share of what was paid that comes back then: "1" (all of it). */
  refundBeforeCutoff: string;
  /** The share that comes back later than that (the service's `lateCancellationRefund`). */
  refundAfterCutoff: string;
  /** The promo code a booking was made with, as it was then (docs/promo-codes.md); absent: none. */
  promo?: AgreedPromo;
}

/** The terms the service offers today: what a customer who agrees now agrees to. */
export function currentTerms(service: BookableService): AgreedTerms {
  return {
    currency: service.currency,
    childRate: service.childRateValue,
    infantRate: service.infantRateValue,
    taxRate: service.taxRateValue,
    cutoffHours: service.cutoffHours,
    refundBeforeCutoff: '1',
    refundAfterCutoff: service.lateCancellationRefundValue,
  };
}

/** Whether `at` is at least the agreed cutoff before `startsAt`: the refund policy's line. */
export function beforeCutoff(terms: AgreedTerms, startsAt: Date, at: Date): boolean {
  return startsAt.getTime() - at.getTime() >= terms.cutoffHours * HOUR_MS;
}

/**
 * What a customer's cancellation or cheaper change at `at` gives back of `due` under the agreed policy:
 * its share (rounded half-up to the minor unit), and whether it came inside the cutoff.
 */
export function dueBack(
  terms: AgreedTerms,
  startsAt: Date,
  at: Date,
  due: Decimal,
): { amount: Decimal; late: boolean } {
  const late = !beforeCutoff(terms, startsAt, at);
  const share = late ? terms.refundAfterCutoff : terms.refundBeforeCutoff;
  return { amount: new Decimal(formatAmount(due.times(share), terms.currency)), late };
}
