import { LockMode } from '@mikro-orm/core';
import Decimal from 'decimal.js';
import type { Logger } from 'pino';
import { actingProvider, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import type { MoneyOutcome } from '../booking/booking-events';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { snapshot } from '../booking/booking-lifecycle';
import { lockBookingWhere } from '../booking/booking-locks';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { BOOKING_STATES } from '../booking/booking.state';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { DomainError } from '../core/errors';
import { MAX_ROWS } from '../graphql/limits';
import { formatAmount, fromMinor, toMinor } from '../core/money';
import type { Mover } from '../core/state-table';
import { run } from '../core/sql';
import { jobs } from '../jobs';
import { PaymentStatus, RefundStatus } from './payment.enums';
import type { Payment } from './payment.entity';
import { PaymentDiscrepancy } from './payment-discrepancy.entity';
import { PAYMENT_STATES, REFUND_STATES } from './payment.state';
import { Refund } from './refund.entity';
import type { BankRefund, Intent, PaymentGateway } from './payment-gateway';
import { statusBeforeRefund } from './payment.sql';

const PAID = new Set([PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED]);

/** Refunds whose money is back or on its way: what was paid and is no longer there to give back. */
const COMMITTED: ReadonlySet<RefundStatus> = new Set([
  RefundStatus.PENDING,
  RefundStatus.REQUIRES_ACTION,
  RefundStatus.SUCCEEDED,
]);

/** Stripe's refund statuses (the answer to a create, and refund events), as ours. */
const STRIPE_REFUND_STATUS: Record<string, RefundStatus> = {
  pending: RefundStatus.PENDING,
  requires_action: RefundStatus.REQUIRES_ACTION,
  succeeded: RefundStatus.SUCCEEDED,
  failed: RefundStatus.FAILED,
  canceled: RefundStatus.CANCELED,
};

/** While a refund is on its way, Stripe is asked again after 1, 2, 4, ... hours, then daily, for about four weeks. */
const CHECK_ROUNDS = 32;
const checkDelayMs = (round: number) => Math.min(24, 2 ** round) * 3_600_000;
const ON_ITS_WAY: ReadonlySet<RefundStatus> = new Set([RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION]);

const sum = (refunds: Refund[]) => refunds.reduce((total, refund) => total.plus(refund.amount), new Decimal(0));

/** A Stripe refund object as its events carry it. */
export interface StripeRefundObject {
  id: string;
  amount?: number;
  status?: string | null;
  failure_reason?: string | null;
  metadata?: Record<string, string> | null;
}

/** Card money of bookings through Stripe: starting a payment, stopping one, and giving money back. */
export class PaymentService {
  constructor(
    private readonly gateway: PaymentGateway | undefined,
    readonly holdMinutes: number,
    private readonly lifecycle: BookingLifecycle,
    private readonly log: Logger,
  ) {}

  assertConfigured(): PaymentGateway {
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
   * Runs `work` (the transaction that makes the booking of a payment just started: a PaymentIntent, or a
   * guest's Checkout Session); if it fails, nobody got the intent's secret or the session's url, so it cannot
   * be paid: it is cancelled (expired) at Stripe, after the transaction, to keep the dashboard tidy.
   */
  async withPayment<T>(
    { intent, checkout }: { intent: Intent | null; checkout: { id: string } | null },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const abandoned = intent
        ? this.gateway?.cancelIntent(intent.id)
        : checkout
          ? this.gateway?.expireCheckoutSession(checkout.id)
          : undefined;
      abandoned?.catch((cancelError) =>
        this.log.warn(
          { err: cancelError, intentId: intent?.id, checkoutId: checkout?.id },
          'abandoned payment not cancelled',
        ),
      );
      throw error;
    }
  }

  /** Moves a payment's status through its state table. */
  move(payment: Payment, to: PaymentStatus, by: Mover): void {
    PAYMENT_STATES.assertMove(payment.status, to, by);
    payment.status = to;
  }

  /**
   * Stops a payment that has not succeeded; the intent is cancelled at Stripe by a retried job (a Checkout
   * Session not completed yet has none: the session is expired instead, so it can no longer be paid).
   */
  stop(tx: TxContext, payment: Payment, status: PaymentStatus.CANCELED | PaymentStatus.FAILED, by: Mover): void {
    if (!PAYMENT_STATES.canMove(payment.status, status, by)) return;
    payment.status = status;
    if (payment.intentId) tx.effects.addJob(jobs.cancelIntent(payment.intentId));
    else if (payment.checkoutSessionId) tx.effects.addJob(jobs.expireCheckout(payment.checkoutSessionId));
  }

  /**
   * Money paid for a booking that can still be given back: what was paid, less every refund that came back
   * or is on its way (a failed or cancelled one gave nothing back, so its amount can be asked again).
   */
  async refundable(booking: Booking, payment: Payment | null): Promise<Decimal> {
    const paid = payment ? (PAID.has(payment.status) ? payment.amount : 0) : booking.total;
    const refunds = (await booking.refunds.load()).getItems();
    return Decimal.max(0, new Decimal(paid).minus(sum(refunds.filter((refund) => COMMITTED.has(refund.status)))));
  }

  /**
   * Gives `amount` back. By card: a PENDING refund, sent to Stripe by a retried job; only the bank's word
   * moves it on, and only a SUCCEEDED one counts in `refunded`. Without a card payment (cash, transfer)
   * the provider's word is the confirmation.
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
    const now = tx.clock.now();
    await booking.refunds.load();
    const refund = tx.em.create(Refund, {
      booking,
      payment,
      amount: amount.toFixed(),
      currency: booking.currency,
      status: payment ? RefundStatus.PENDING : RefundStatus.SUCCEEDED,
      reason,
      createdAt: now,
      updatedAt: now,
    });
    booking.refunds.add(refund);
    if (!payment) {
      this.recount(booking, null);
      await this.returned(tx, booking, null, refund, 'user');
      return;
    }
    await tx.em.flush(); // the job names the refund by id
    tx.effects.addJob(jobs.sendRefund(refund.id));
    await this.lifecycle.changed(tx, booking, 'booking.refund_requested', before, reason);
  }

  /** What the bank confirmed came back, counted again from the refunds: the booking's `refunded`, the payment's. */
  private recount(booking: Booking, payment: Payment | null): void {
    const done = booking.refunds.getItems().filter((refund) => refund.status === RefundStatus.SUCCEEDED);
    const total = sum(done);
    booking.refundedAmount = total.isZero() ? null : total.toFixed();
    if (payment) payment.refundedAmount = sum(done.filter((refund) => refund.payment?.id === payment.id)).toFixed();
  }

  /**
   * The bank's word on one refund (the answer to our call, or an event), applied only forward through the
   * refund's state table; a repeated or out-of-date word changes nothing. The booking follows (README,
   * "Refunds"): a success counts in `refunded` and is mailed, and once all that was paid came back the
   * booking reads REFUNDED; a failure is taken out of `refunded`, shown and reported to the provider.
   */
  async bankSaid(
    tx: TxContext,
    booking: Booking,
    refund: Refund,
    said: BankRefund,
    by: Mover = 'bank',
  ): Promise<string> {
    if (said.id && !refund.stripeRefundId) refund.stripeRefundId = said.id;
    const to = STRIPE_REFUND_STATUS[said.status ?? ''];
    if (!to) return `unknown refund status ${said.status}`;
    if (to === refund.status) return 'refund unchanged';
    if (!REFUND_STATES.canMove(refund.status, to, by)) return 'stale';
    const before = snapshot(booking);
    const was = refund.status;
    refund.status = to;
    refund.updatedAt = tx.clock.now();
    await booking.refunds.load();
    const payment = (await refund.payment?.loadOrFail()) ?? null;
    this.recount(booking, payment);
    if (to === RefundStatus.SUCCEEDED) {
      await this.returned(tx, booking, payment, refund, by);
      return 'refund succeeded';
    }
    if (to === RefundStatus.FAILED || to === RefundStatus.CANCELED) {
      refund.lastError = said.failureReason ?? `Stripe answered ${said.status}`;
      await this.refused(tx, booking, payment, refund, was, before);
      return `refund ${to.toLowerCase()}`;
    }
    return 'refund status updated';
  }

  /** A refund came back: once all that was paid did, the payment and the booking read REFUNDED. */
  private async returned(
    tx: TxContext,
    booking: Booking,
    payment: Payment | null,
    refund: Refund,
    by: Mover,
  ): Promise<void> {
    const money: MoneyOutcome = { kind: 'returned', amount: formatAmount(refund.amount, refund.currency) };
    const all = new Decimal(booking.refundedAmount ?? 0).gte(payment ? payment.amount : booking.total);
    if (all && payment && PAYMENT_STATES.canMove(payment.status, PaymentStatus.REFUNDED, 'bank'))
      this.move(payment, PaymentStatus.REFUNDED, 'bank');
    // Only a refund made at Stripe (its dashboard) can give all of a standing booking back: it no longer stands.
    if (all && booking.status === BookingStatus.CONFIRMED)
      await this.lifecycle.move(tx, booking, BookingStatus.CANCELLED, 'bank', 'refunded in full at Stripe');
    if (all && BOOKING_STATES.canMove(booking.status, BookingStatus.REFUNDED, by))
      await this.lifecycle.move(tx, booking, BookingStatus.REFUNDED, by, refund.reason, { money });
    else await this.lifecycle.changed(tx, booking, 'booking.refund_succeeded', null, refund.reason, money);
  }

  /**
   * A refund the bank refused or cancelled gave nothing back: it is shown failed, out of `refunded`, and
   * reported to the provider (and to the customer, who had been told it was done, if it had succeeded).
   * A booking that read REFUNDED because of it is again what it was before.
   */
  private async refused(
    tx: TxContext,
    booking: Booking,
    payment: Payment | null,
    refund: Refund,
    was: RefundStatus,
    before: ReturnType<typeof snapshot>,
  ): Promise<void> {
    const why = refund.lastError!;
    const money: MoneyOutcome = {
      kind: 'refused',
      amount: formatAmount(refund.amount, refund.currency),
      why,
      wasConfirmed: was === RefundStatus.SUCCEEDED,
    };
    this.log.error({ refundId: refund.id, stripeRefundId: refund.stripeRefundId, why }, 'a refund gave nothing back');
    if (payment?.status === PaymentStatus.REFUNDED) this.move(payment, PaymentStatus.SUCCEEDED, 'bank');
    if (booking.status === BookingStatus.REFUNDED) {
      const [row] = await run(tx.em, statusBeforeRefund(booking.id));
      const back = row?.status ?? BookingStatus.CANCELLED;
      await this.lifecycle.move(tx, booking, back, 'bank', why, { action: 'booking.refund_failed', money });
      return;
    }
    await this.lifecycle.changed(tx, booking, 'booking.refund_failed', before, why, money);
  }

  /**
   * A refund event from Stripe (refund.created, refund.updated, refund.failed, charge.refund.updated): ours
   * are found by Stripe's id or by the metadata we sent; any other was made at Stripe (its dashboard) and
   * is recorded as the booking's refund too.
   */
  async refundEvent(tx: TxContext, booking: Booking, payment: Payment, object: StripeRefundObject): Promise<string> {
    const refunds = (await booking.refunds.load()).getItems();
    const known = refunds.find(
      (ours) => ours.stripeRefundId === object.id || String(ours.id) === object.metadata?.refundId,
    );
    let refund = known;
    if (!refund) {
      const before = snapshot(booking);
      const now = tx.clock.now();
      refund = tx.em.create(Refund, {
        booking,
        payment,
        amount: fromMinor(object.amount ?? 0, payment.currency),
        currency: payment.currency,
        reason: 'refunded at Stripe',
        stripeRefundId: object.id,
        createdAt: now,
        updatedAt: now,
      });
      booking.refunds.add(refund);
      await this.lifecycle.changed(tx, booking, 'booking.refund_requested', before, refund.reason);
    }
    const outcome = await this.bankSaid(tx, booking, refund, {
      id: object.id,
      status: object.status ?? null,
      failureReason: object.failure_reason,
    });
    if (!known) this.watch(tx, refund, 0);
    return outcome;
  }

  /**
   * The send_refund job: one Stripe refund per Refund row (idempotency key `refund-<id>`), asked outside
   * any transaction, then its answer recorded in one. An error is retried by the job; a refusal, or the
   * last failed attempt, fails the refund. A `pending` answer leaves it PENDING: its events decide.
   */
  async sendRefund(ctx: RequestContext, refundId: number, lastAttempt: boolean): Promise<void> {
    const gateway = this.assertConfigured();
    // Read on a fork of its own: entities it loads must not be shared with the transaction below, whose
    // collection loads would otherwise flush them outside it.
    const refund = await ctx.em.fork().findOne(Refund, refundId, { populate: ['payment'] });
    if (!refund?.payment || refund.status !== RefundStatus.PENDING || refund.stripeRefundId) return;
    const payment = refund.payment.getEntity();
    let answer: BankRefund;
    let by: Mover = 'bank';
    try {
      answer = await gateway.refund({
        intentId: payment.intentId!, // only a succeeded payment is refunded, and it has its intent
        amountMinor: toMinor(refund.amount, payment.currency),
        idempotencyKey: `refund-${refund.id}`,
        metadata: { refundId: String(refund.id), bookingId: String(refund.booking.id) },
      });
    } catch (error) {
      if (!lastAttempt) throw error;
      answer = { id: null, status: 'failed', failureReason: (error as Error).message };
      by = 'server';
    }
    await inTransaction(ctx, async (tx) => {
      const booking = (await lockBookingWhere(tx, { id: refund.booking.id }))!;
      const row = await tx.em.findOneOrFail(Refund, refundId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const outcome = await this.bankSaid(tx, booking, row, answer, by);
      this.log.info(
        { refundId, stripeRefundId: answer.id, status: answer.status, outcome },
        'Stripe answered a refund',
      );
      this.watch(tx, row, 0);
    });
  }

  /** Asks Stripe again later where a refund on its way stands: its events may never come (a webhook missed). */
  private watch(tx: TxContext, refund: Refund, round: number): void {
    if (!ON_ITS_WAY.has(refund.status) || !refund.stripeRefundId) return;
    if (round >= CHECK_ROUNDS) {
      this.log.warn({ refundId: refund.id }, 'a refund is still on its way after four weeks: no more checks');
      return;
    }
    tx.effects.addJob(jobs.checkRefund(refund.id, round, new Date(tx.clock.now().getTime() + checkDelayMs(round))));
  }

  /** The check_refund job: Stripe's word on a refund still on its way, applied as its events would be. */
  async checkRefund(ctx: RequestContext, refundId: number, round: number): Promise<void> {
    const gateway = this.assertConfigured();
    const refund = await ctx.em.fork().findOne(Refund, refundId);
    if (!refund?.stripeRefundId || !ON_ITS_WAY.has(refund.status)) return;
    const answer = await gateway.retrieveRefund(refund.stripeRefundId);
    await inTransaction(ctx, async (tx) => {
      const booking = (await lockBookingWhere(tx, { id: refund.booking.id }))!;
      const row = await tx.em.findOneOrFail(Refund, refundId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const outcome = await this.bankSaid(tx, booking, row, answer);
      this.log.info({ refundId, status: answer.status, outcome, round }, 'refund checked at Stripe');
      this.watch(tx, row, round + 1);
    });
  }

  /** The payment discrepancies of the caller's services (an admin's: all), newest first. */
  async discrepancies(ctx: RequestContext): Promise<PaymentDiscrepancy[]> {
    const actor = requireActor(ctx);
    const where =
      actor.role === Role.ADMIN ? {} : { booking: { service: { provider: (await actingProvider(ctx)).id } } };
    return ctx.em.find(PaymentDiscrepancy, where, { orderBy: { id: 'desc' }, limit: MAX_ROWS.paymentDiscrepancies });
  }

  /** The cancel_payment_intent job. */
  async cancelIntent(intentId: string): Promise<void> {
    await this.assertConfigured().cancelIntent(intentId);
  }

  /** The expire_checkout_session job. */
  async expireCheckout(sessionId: string): Promise<void> {
    await this.assertConfigured().expireCheckoutSession(sessionId);
  }

  /**
   * Opens the Stripe Checkout Session of a guest's booking about to be made, before its transaction (as
   * startIntent does), open for the hold and at least the 30 minutes Stripe asks; when the hold ends
   * first, the session is expired (stop). Its idempotency key is the booking's.
   */
  async startCheckout(booking: {
    id: number;
    reference: string;
    total: string;
    currency: string;
    name: string;
    email: string;
    returnUrl: string;
    now: Date;
  }): Promise<{ id: string; url: string }> {
    const gateway = this.assertConfigured();
    try {
      return await gateway.createCheckoutSession({
        amountMinor: toMinor(booking.total, booking.currency),
        currency: booking.currency,
        name: booking.name,
        email: booking.email,
        metadata: { bookingId: String(booking.id), reference: booking.reference },
        returnUrl: booking.returnUrl,
        expiresAt: new Date(booking.now.getTime() + Math.max(30, this.holdMinutes + 1) * 60_000),
        idempotencyKey: `booking-${booking.id}-checkout`,
      });
    } catch (error) {
      this.log.warn({ err: error, bookingId: booking.id }, 'Stripe did not create the Checkout Session');
      throw new DomainError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        'The card payment could not be started, so nothing was booked. Please try again in a moment.',
      );
    }
  }
}
