import Decimal from 'decimal.js';
import type { BookingChanged } from '../booking/booking-events';
import { bookingTerms, type BookingPlan } from '../booking/booking-plan';
import { BookingStatus } from '../booking/booking.enums';
import type { RequestContext, TxContext } from '../core/context';
import { promoRefusal } from '../core/refusals';
import { printable } from '../core/validate';
import type { AgreedPromo } from './discount';
import { PromoCode } from './promo-code.entity';
import { promoUse } from './promo.sql';
import { CODE } from './promo.service';

/**
 * The plan with the code applied: checked against the service and the moment (unknown, inactive, not
 * yet or no longer valid, for another service, used up), then kept in the booking's agreed terms. The
 * use itself is counted by the statement that writes the booking (placeBooking).
 */
export async function withPromoCode(ctx: RequestContext, input: string, plan: BookingPlan): Promise<BookingPlan> {
  const code = printable('promoCode', input).trim().toUpperCase();
  const service = plan.service;
  const promo = CODE.test(code) ? await ctx.em.findOne(PromoCode, { provider: service.provider.id, code }) : null;
  if (!promo) throw promoRefusal('UNKNOWN', `${input.slice(0, 40)} is not a promo code of this service's provider`);
  const now = ctx.clock.now();
  if (!promo.active) throw promoRefusal('INACTIVE', `${code} has been deactivated`);
  if (promo.service && promo.service.id !== service.id)
    throw promoRefusal('NOT_FOR_SERVICE', `${code} is for another service`);
  if (promo.validFrom && now < promo.validFrom)
    throw promoRefusal('NOT_YET_VALID', `${code} is valid from ${promo.validFrom.toISOString()}`);
  if (promo.validUntil && now >= promo.validUntil)
    throw promoRefusal('EXPIRED', `${code} expired at ${promo.validUntil.toISOString()}`);
  if (promo.maxUses != null && promo.uses >= promo.maxUses)
    throw promoRefusal('USED_UP', `${code} has been used as many times as allowed`);
  const agreed: AgreedPromo = { codeId: promo.id, code, kind: promo.kind, value: new Decimal(promo.value).toString() };
  const { adults, children, infants } = plan.terms;
  const terms = bookingTerms(
    plan.slots,
    { adults, children, infants },
    {
      terms: { ...plan.terms.agreed, promo: agreed },
      lines: plan.terms.lines,
    },
  );
  return { ...plan, terms };
}

/**
 * Listener: a booking that ends without having been paid by card gives its code's use back (its hold
 * cancelled or run out, or a booking with no card payment cancelled); one paid after its hold ran out
 * takes it again, even past the maximum (its price was agreed and paid). docs/promo-codes.md.
 */
export function promoUses(tx: TxContext, { action, before, booking }: BookingChanged): void {
  const ended = action === 'booking.cancelled' || action === 'booking.expired';
  const paidLate = action === 'booking.confirmed' && before?.status === BookingStatus.EXPIRED;
  if ((!ended || before?.status === BookingStatus.REFUNDED) && !paidLate) return;
  tx.effects.writeRows((name) =>
    promoUse(name, {
      bookingId: booking.id,
      ended,
      withCardPayment: paidLate || before?.status === BookingStatus.PENDING_PAYMENT,
      now: tx.clock.now(),
    }),
  );
}
