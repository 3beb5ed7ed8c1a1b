import { LockMode } from '@mikro-orm/core';
import Decimal from 'decimal.js';
import type { Logger } from 'pino';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { snapshot } from '../booking/booking-lifecycle';
import { lockBookingWhere } from '../booking/booking-locks';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { BOOKING_STATES } from '../booking/booking.state';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { DomainError } from '../core/errors';
import { fromMinor, toMinor } from '../core/money';
import type { Mover } from '../core/state-table';
import { jobs } from '../jobs';
import { PaymentStatus, RefundStatus } from './payment.enums';
import { Payment } from './payment.entity';
import { PAYMENT_STATES, REFUND_STATES } from './payment.state';
import { Refund } from './refund.entity';
import type { Intent, StripeGateway } from './stripe-gateway';

const PAID = new Set([PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED]);

/** Card money of bookings through Stripe: starting a payment, stopping one, and giving money back. */
export class PaymentService {
  constructor(
    private readonly gateway: StripeGateway | undefined,
    readonly holdMinutes: number,
    private readonly lifecycle: BookingLifecycle,
    private readonly log: Logger,
  ) {}

  assertConfigured(): StripeGateway {
    if (!this.gateway)
      throw new DomainError(
        'PAYMENTS_NOT_CONFIGURED',
        'This service takes card payments, which this server is not set up for (no STRIPE_SECRET_KEY)',
      );
    return this.gateway;
  }

  /**
   * Creates the PaymentIntent of a booking about to be made, before its transaction: no transaction waits
   * on Stripe. Its idempotency key is the booking's, so Stripe's retries reuse it.
   */
  async startIntent(booking: { id: number; reference: string; total: string; currency: string }): Promise<Intent> {
    const gateway = this.assertConfigured();
    try {
      return await gateway.createIntent({
        amountMinor: toMinor(booking.total, booking.currency),
        currency: booking.currency,
        metadata: { bookingId: String(booking.id), reference: booking.reference },
        idempotencyKey: `booking-${booking.id}-payment`,
      });
    } catch (error) {
      this.log.warn({ err: error, bookingId: booking.id }, 'Stripe did not create the PaymentIntent');
      throw new DomainError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        'The card payment could not be started, so nothing was booked. Please try again in a moment.',
      );
    }
  }

  /**
   * Runs `work` (the transaction that makes the booking of `intent`); if it fails, nobody got the intent's
   * secret, so it cannot be paid: it is cancelled at Stripe, after the transaction, to keep the dashboard tidy.
   */
  async withIntent<T>(intent: Intent | null, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (intent)
        this.gateway
          ?.cancelIntent(intent.id)
          .catch((cancelError) =>
            this.log.warn({ err: cancelError, intentId: intent.id }, 'abandoned PaymentIntent not cancelled'),
          );
      throw error;
    }
  }

  /** Moves a payment's status through its state table. */
  move(payment: Payment, to: PaymentStatus, by: Mover): void {
    PAYMENT_STATES.assertMove(payment.status, to, by);
    payment.status = to;
  }

  /** Stops a payment that has not succeeded; the intent is cancelled at Stripe by a retried job. */
  stop(tx: TxContext, payment: Payment, status: PaymentStatus.CANCELED | PaymentStatus.FAILED, by: Mover): void {
    if (!PAYMENT_STATES.canMove(payment.status, status, by)) return;
    payment.status = status;
    tx.effects.addJob(jobs.cancelIntent(payment.intentId));
  }

  /** Money paid for a booking that can still be given back: what was paid, less what was refunded or asked for. */
  refundable(booking: Booking, payment: Payment | null): Decimal {
    const paid = payment ? (PAID.has(payment.status) ? payment.amount : 0) : booking.total;
    return Decimal.max(0, new Decimal(paid).minus(booking.refundedAmount ?? 0));
  }

  /**
   * Gives `amount` back. By card: recorded as asked at once (`refunded` adds up) and sent to Stripe by a
   * retried job; the bank's answer decides the rest. Without a card payment (cash, transfer) the provider's
   * word is the confirmation.
   */
  async refund(
    tx: TxContext,
    booking: Booking,
    payment: Payment | null,
    amount: Decimal,
    reason: string | null,
  ): Promise<void> {
    if (amount.lte(0)) return;
    const before = snapshot(booking);
    booking.refundedAmount = new Decimal(booking.refundedAmount ?? 0).plus(amount).toFixed();
    if (!payment) {
      await this.refundConfirmed(tx, booking, null, 'user', reason);
      return;
    }
    const refund = tx.em.create(Refund, { payment, amount: amount.toFixed(), createdAt: tx.clock.now() });
    await tx.em.flush(); // the job names the refund by id
    tx.effects.addJob(jobs.sendRefund(refund.id));
    await this.lifecycle.changed(tx, booking, 'booking.refund_requested', before, reason);
  }

  /** Once all that was paid came back, the booking is REFUNDED; before that, the customer hears of the part refunded. */
  private async refundConfirmed(
    tx: TxContext,
    booking: Booking,
    payment: Payment | null,
    by: Mover,
    reason: string | null,
  ): Promise<void> {
    const paid = new Decimal(payment ? payment.amount : booking.total);
    const returned = new Decimal(payment ? payment.refundedAmount : (booking.refundedAmount ?? 0));
    if (returned.gte(paid) && BOOKING_STATES.canMove(booking.status, BookingStatus.REFUNDED, by)) {
      await this.lifecycle.move(tx, booking, BookingStatus.REFUNDED, by, reason);
    } else {
      await this.lifecycle.changed(tx, booking, 'booking.refund_succeeded', null, reason);
    }
  }

  /**
   * The bank's word on how much of a payment came back in all (it only grows): the payment becomes
   * REFUNDED when all of it did, and the booking follows. A refund made from Stripe's dashboard counts too.
   */
  async bankReturned(
    tx: TxContext,
    booking: Booking,
    payment: Payment,
    total: Decimal.Value,
    reason: string,
  ): Promise<void> {
    const returned = Decimal.min(payment.amount, Decimal.max(payment.refundedAmount, total));
    if (returned.lte(payment.refundedAmount)) return;
    payment.refundedAmount = returned.toFixed();
    if (returned.gt(booking.refundedAmount ?? 0)) booking.refundedAmount = returned.toFixed();
    const full = returned.gte(payment.amount);
    if (full && PAYMENT_STATES.canMove(payment.status, PaymentStatus.REFUNDED, 'bank'))
      this.move(payment, PaymentStatus.REFUNDED, 'bank');
    if (full && booking.status === BookingStatus.CONFIRMED)
      await this.lifecycle.move(tx, booking, BookingStatus.CANCELLED, 'bank', 'refunded in full at Stripe');
    await this.refundConfirmed(tx, booking, payment, 'bank', reason);
  }

  /** Stripe's word on a charge's refunds, in minor units. */
  bankReturnedMinor(tx: TxContext, booking: Booking, payment: Payment, amountRefundedMinor: number): Promise<void> {
    return this.bankReturned(
      tx,
      booking,
      payment,
      fromMinor(amountRefundedMinor, payment.currency),
      'refunded at Stripe',
    );
  }

  /**
   * The send_refund job: one Stripe refund per Refund row, asked outside any transaction, then recorded in
   * one. An error is retried by the job; a refusal by the bank (or the last failed attempt) is shown on the
   * booking, taken out of `refunded` and reported to the provider, never shown as done.
   */
  async sendRefund(ctx: RequestContext, refundId: number, lastAttempt: boolean): Promise<void> {
    const gateway = this.assertConfigured();
    const refund = await ctx.em.findOne(Refund, refundId, { populate: ['payment'] });
    if (!refund || refund.status !== RefundStatus.PENDING) return;
    const payment = refund.payment.getEntity();
    let answer: { id: string | null; status: string | null; error?: string };
    try {
      answer = await gateway.refund({
        intentId: payment.intentId,
        amountMinor: toMinor(refund.amount, payment.currency),
        idempotencyKey: `refund-${refund.id}`,
      });
    } catch (error) {
      if (!lastAttempt) throw error;
      answer = { id: null, status: 'failed', error: (error as Error).message };
    }
    await inTransaction(ctx, async (tx) => {
      const booking = (await lockBookingWhere(tx, { payment: payment.id }))!;
      const row = await tx.em.findOneOrFail(Refund, refundId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (row.status !== RefundStatus.PENDING) return;
      const refused = answer.status === 'failed' || answer.status === 'canceled';
      REFUND_STATES.assertMove(row.status, refused ? RefundStatus.FAILED : RefundStatus.SUCCEEDED, 'bank');
      row.status = refused ? RefundStatus.FAILED : RefundStatus.SUCCEEDED;
      row.stripeRefundId = answer.id;
      if (refused) {
        row.lastError = answer.error ?? `Stripe answered ${answer.status}`;
        const before = snapshot(booking);
        const asked = Decimal.max(0, new Decimal(booking.refundedAmount ?? 0).minus(row.amount));
        booking.refundedAmount = asked.isZero() ? null : asked.toFixed();
        this.log.error({ refundId, stripeRefundId: answer.id }, 'Stripe refused a refund');
        await this.lifecycle.changed(tx, booking, 'booking.refund_failed', before, row.lastError);
        return;
      }
      const succeeded = await tx.em.find(Refund, { payment: row.payment, status: RefundStatus.SUCCEEDED });
      const total = succeeded.reduce((sum, done) => sum.plus(done.amount), new Decimal(0));
      await this.bankReturned(tx, booking, await row.payment.loadOrFail(), total, 'refund confirmed by Stripe');
    });
  }

  /** The cancel_payment_intent job. */
  async cancelIntent(intentId: string): Promise<void> {
    await this.assertConfigured().cancelIntent(intentId);
  }
}
