import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import Decimal from 'decimal.js';
import type { Logger } from 'pino';
import type { Booking } from '../booking/booking.entity';
import type { RequestContext } from '../core/context';
import { DomainError } from '../core/errors';
import { addJobs } from '../core/jobs';
import { fromMinor, toMinor } from '../core/money';
import { PaymentStatus, RefundStatus } from './payment.enums';
import { Payment } from './payment.entity';
import { Refund } from './refund.entity';
import type { StripeGateway } from './stripe-gateway';

export const EXPIRE_PAYMENT_HOLD = 'expire_payment_hold';
export const CANCEL_PAYMENT_INTENT = 'cancel_payment_intent';
export const SEND_REFUND = 'send_refund';
export const holdJobKey = (bookingId: number) => `payment-hold:${bookingId}`;

const FINAL = new Set([PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED]);

/** Card money of bookings: starting a payment, cancelling one, and giving money back, through Stripe. */
export class PaymentService {
  constructor(
    private readonly gateway: StripeGateway | undefined,
    private readonly holdMinutes: number,
    private readonly log: Logger,
  ) {}

  get stripe(): StripeGateway | undefined {
    return this.gateway;
  }

  assertConfigured(): StripeGateway {
    if (!this.gateway) throw new DomainError('PAYMENTS_NOT_CONFIGURED', 'This service takes card payments, which this server is not set up for (no STRIPE_SECRET_KEY)');
    return this.gateway;
  }

  /**
   * Starts the card payment of a new booking awaiting payment, before its seats are held: the
   * PaymentIntent (its idempotency key is the booking's, so Stripe's retries reuse it), the Payment, the
   * hold's end and the job that ends it. If Stripe fails, the whole booking rolls back.
   */
  async open(tx: RequestContext, booking: Booking): Promise<Payment> {
    const gateway = this.assertConfigured();
    booking.holdExpiresAt = new Date(tx.clock.now().getTime() + this.holdMinutes * 60_000);
    let intent;
    try {
      intent = await gateway.createIntent({
        amountMinor: toMinor(booking.total, booking.currency),
        currency: booking.currency,
        metadata: { bookingId: String(booking.id), reference: booking.reference },
        idempotencyKey: `booking-${booking.id}-payment`,
      });
    } catch (error) {
      this.log.warn({ err: error, bookingId: booking.id }, 'Stripe did not create the PaymentIntent');
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', 'The card payment could not be started, so nothing was booked. Please try again in a moment.');
    }
    const payment = tx.em.create(Payment, {
      payer: booking.customer,
      status: PaymentStatus.REQUIRES_ACTION,
      amount: booking.total,
      currency: booking.currency,
      intentId: intent.id,
      clientSecret: intent.clientSecret,
    });
    booking.payment = ref(payment);
    await addJobs(tx.em, [{ task: EXPIRE_PAYMENT_HOLD, payload: { bookingId: booking.id }, runAt: booking.holdExpiresAt, jobKey: holdJobKey(booking.id) }]);
    return payment;
  }

  /**
   * After a booking whose PaymentIntent was created failed to commit: nobody got the intent's secret, so it
   * cannot be paid; cancelling it only keeps the Stripe dashboard tidy, so a failure is logged and left.
   */
  abandon(intentId: string): void {
    this.gateway?.cancelIntent(intentId).catch((error) => this.log.warn({ err: error, intentId }, 'abandoned PaymentIntent not cancelled'));
  }

  /** Stops a payment that has not succeeded: the intent is cancelled at Stripe by a retried job. */
  async stop(tx: RequestContext, payment: Payment, status: PaymentStatus.CANCELED | PaymentStatus.FAILED): Promise<void> {
    if (FINAL.has(payment.status)) return;
    payment.status = status;
    await addJobs(tx.em, [{ task: CANCEL_PAYMENT_INTENT, payload: { intentId: payment.intentId }, jobKey: `cancel-intent:${payment.intentId}` }]);
  }

  /** Money the payment can still give back. */
  refundable(payment: Payment, booking: Booking): Decimal {
    return Decimal.max(0, new Decimal(payment.amount).minus(booking.refundedAmount ?? 0));
  }

  /** Decides a refund in the booking's transaction; a retried job asks Stripe for it. */
  async refund(tx: RequestContext, booking: Booking, payment: Payment, amount: Decimal.Value): Promise<void> {
    if (new Decimal(amount).lte(0)) return;
    const refund = tx.em.create(Refund, { payment, amount: new Decimal(amount).toFixed() });
    booking.refundedAmount = new Decimal(booking.refundedAmount ?? 0).plus(amount).toFixed();
    await tx.em.flush(); // the job names the refund by id
    await addJobs(tx.em, [{ task: SEND_REFUND, payload: { refundId: refund.id }, jobKey: `refund:${refund.id}` }]);
  }

  /** The SEND_REFUND job: one Stripe refund per Refund row, whatever the number of attempts. */
  async sendRefund(em: EntityManager, refundId: number): Promise<void> {
    const gateway = this.assertConfigured();
    await em.transactional(async (tx) => {
      const refund = await tx.findOne(Refund, refundId, { populate: ['payment'] });
      if (!refund || refund.status !== RefundStatus.PENDING || refund.stripeRefundId) return;
      const payment = refund.payment.getEntity();
      const answer = await gateway.refund({ intentId: payment.intentId, amountMinor: toMinor(refund.amount, payment.currency), idempotencyKey: `refund-${refund.id}` });
      refund.stripeRefundId = answer.id;
      refund.status = answer.status === 'failed' || answer.status === 'canceled' ? RefundStatus.FAILED : RefundStatus.SUCCEEDED;
      if (refund.status === RefundStatus.SUCCEEDED) this.moneyReturned(payment, new Decimal(payment.refundedAmount).plus(refund.amount));
      else this.log.error({ refundId, stripeRefundId: answer.id }, 'Stripe refused a refund');
    });
  }

  /** Records what the bank has given back in all (it only grows); fully refunded payments become REFUNDED. */
  moneyReturned(payment: Payment, total: Decimal.Value): void {
    const refunded = Decimal.min(payment.amount, Decimal.max(payment.refundedAmount, total));
    payment.refundedAmount = refunded.toFixed();
    if (refunded.gte(payment.amount)) payment.status = PaymentStatus.REFUNDED;
  }

  /** Stripe's word on a charge's refunds, in minor units. */
  refundedByBank(payment: Payment, amountRefundedMinor: number): void {
    this.moneyReturned(payment, fromMinor(amountRefundedMinor, payment.currency));
  }

  /** The CANCEL_PAYMENT_INTENT job. */
  async cancelIntent(intentId: string): Promise<void> {
    await this.assertConfigured().cancelIntent(intentId);
  }
}
