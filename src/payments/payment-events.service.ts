import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { snapshot } from '../booking/booking-lifecycle';
import { lockBookingWhere } from '../booking/booking-locks';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { inTransaction, trySavepoint, type RequestContext, type TxContext } from '../core/context';
import { requeuedIfEarly } from '../core/jobs';
import { formatAmount, fromMinor, minorDigits, toMinor } from '../core/money';
import { run } from '../core/sql';
import { jobs } from '../jobs';
import { PaymentStatus } from './payment.enums';
import { Payment } from './payment.entity';
import { PaymentDiscrepancy } from './payment-discrepancy.entity';
import type { PaymentService, StripeRefundObject } from './payment.service';
import { PAYMENT_STATES } from './payment.state';
import { StripeEvent } from './stripe-event.entity';
import { storeStripeEvent } from './payment-events.sql';

/** Thrown while an event names a PaymentIntent we do not know yet: its booking may still be committing. */
class UnknownIntent extends Error {}

/** The object of an event we act on: a PaymentIntent, a charge or a refund, as far as we read it. */
interface EventObject extends StripeRefundObject {
  object: string;
  payment_intent?: string | { id: string };
  amount?: number;
  amount_received?: number;
  currency?: string;
  last_payment_error?: { message?: string } | null;
  /** A Checkout Session's: what it charged in all, and whether it is paid (paid, unpaid, no_payment_required). */
  amount_total?: number;
  payment_status?: string;
}

/** Events about a refund: each carries the refund object, with its status. */
const REFUND_EVENTS = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

/** An amount in minor units of a currency that may not be one (an event can say anything). */
function reportedAmount(minor: number, currency: string): string {
  try {
    minorDigits(currency);
    return fromMinor(minor, currency);
  } catch {
    return fromMinor(minor, 'EUR');
  }
}

/**
 * What the bank's answers do to bookings. Webhook events are stored once by id and applied by a job, one
 * at a time per booking (its row is locked), and only ever forward: every status change goes through the
 * state tables, with the bank as the mover. The rules for late or repeated events are in the README ("Payments").
 */
export class PaymentEventService {
  constructor(
    private readonly payments: PaymentService,
    private readonly lifecycle: BookingLifecycle,
    private readonly log: Logger,
  ) {}

  /** Stores a verified event and queues the job that applies it, in one statement; a replay is a no-op. */
  async receive(em: EntityManager, event: Stripe.Event): Promise<void> {
    await run(em, storeStripeEvent(event, jobs.applyStripeEvent(event.id)));
  }

  /** The apply_stripe_event job. */
  async apply(ctx: RequestContext, eventId: string): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const event = await tx.em.findOne(StripeEvent, eventId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!event || event.processedAt) return;
      const object = (event.payload as { data: { object: EventObject } }).data.object;
      const intentId =
        object.object === 'payment_intent'
          ? object.id
          : typeof object.payment_intent === 'string'
            ? object.payment_intent
            : object.payment_intent?.id;
      let outcome = 'ignored';
      if (object.object === 'checkout.session' && event.type.startsWith('checkout.session.')) {
        const payment = await tx.em.findOne(Payment, { checkoutSessionId: object.id });
        if (!payment) throw new UnknownIntent(`No payment for Checkout Session ${object.id} (yet)`);
        const booking = await lockBookingWhere(tx, { payment });
        outcome = booking ? await this.checkout(tx, event, object, intentId, payment, booking) : 'no booking';
      } else if (intentId && (event.type.startsWith('payment_intent.') || REFUND_EVENTS.has(event.type))) {
        const payment = await tx.em.findOne(Payment, { intentId });
        if (!payment) throw new UnknownIntent(`No payment for PaymentIntent ${intentId} (yet)`);
        const booking = await lockBookingWhere(tx, { payment });
        outcome = booking ? await this.applyTo(tx, event, object, payment, booking) : 'no booking';
      }
      event.processedAt = tx.clock.now();
      event.outcome = outcome;
      this.log.info({ eventId, type: event.type, outcome }, 'Stripe event applied');
    });
  }

  private async applyTo(
    tx: TxContext,
    event: StripeEvent,
    object: EventObject,
    payment: Payment,
    booking: Booking,
  ): Promise<string> {
    const type = event.type;
    if (REFUND_EVENTS.has(type)) return this.payments.refundEvent(tx, booking, payment, object);
    switch (type) {
      case 'payment_intent.succeeded':
        return (await this.mismatch(tx, event, object, payment, booking)) ?? this.succeeded(tx, payment, booking);
      case 'payment_intent.payment_failed':
        return this.ended(
          tx,
          payment,
          booking,
          PaymentStatus.FAILED,
          `the payment failed: ${object.last_payment_error?.message ?? 'declined'}`,
        );
      case 'payment_intent.canceled':
        return this.ended(tx, payment, booking, PaymentStatus.CANCELED, 'the payment was cancelled');
      case 'payment_intent.processing':
      case 'payment_intent.requires_action': {
        const to = type === 'payment_intent.processing' ? PaymentStatus.PROCESSING : PaymentStatus.REQUIRES_ACTION;
        if (!PAYMENT_STATES.canMove(payment.status, to, 'bank')) return 'stale';
        this.payments.move(payment, to, 'bank');
        return 'payment status updated';
      }
      default:
        return 'ignored';
    }
  }

  /**
   * A guest's Checkout Session: once complete it names the PaymentIntent Stripe made (its later events then
   * find the payment), and a paid one confirms the booking as `payment_intent.succeeded` does; an expired
   * one, or a failed delayed payment, ends a booking still awaiting it.
   */
  private async checkout(
    tx: TxContext,
    event: StripeEvent,
    session: EventObject,
    intentId: string | undefined,
    payment: Payment,
    booking: Booking,
  ): Promise<string> {
    if (intentId && !payment.intentId) payment.intentId = intentId;
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        if (session.payment_status !== 'paid') return 'completed, payment not yet received';
        const charged = { ...session, amount: session.amount_total, amount_received: session.amount_total };
        return (await this.mismatch(tx, event, charged, payment, booking)) ?? this.succeeded(tx, payment, booking);
      }
      case 'checkout.session.async_payment_failed':
        return this.ended(tx, payment, booking, PaymentStatus.FAILED, 'the payment failed');
      case 'checkout.session.expired':
        return this.ended(tx, payment, booking, PaymentStatus.CANCELED, 'the checkout expired before it was paid');
      default:
        return 'ignored';
    }
  }

  /**
   * Stripe's word is checked: a success for another amount or currency than the intent's confirms nothing.
   * It is logged, stored (`paymentDiscrepancies`), kept in the booking's history and told to the provider.
   */
  private async mismatch(
    tx: TxContext,
    event: StripeEvent,
    object: EventObject,
    payment: Payment,
    booking: Booking,
  ): Promise<string | null> {
    const expected = toMinor(payment.amount, payment.currency);
    const currency = (object.currency ?? '').toUpperCase();
    const received = object.amount_received ?? object.amount ?? 0;
    if (currency === payment.currency && object.amount === expected && received === expected) return null;
    const reported = reportedAmount(received, currency || payment.currency);
    const discrepancy = tx.em.create(PaymentDiscrepancy, {
      booking,
      payment,
      eventId: event.id,
      eventType: event.type,
      expectedAmount: payment.amount,
      expectedCurrency: payment.currency,
      reportedAmount: reported,
      reportedCurrency: currency.slice(0, 3),
      createdAt: tx.clock.now(),
    });
    this.log.error(
      {
        eventId: event.id,
        bookingId: booking.id,
        expected: `${payment.amount} ${payment.currency}`,
        reported: `${reported} ${currency}`,
      },
      'Stripe reported a payment for another amount or currency: not confirmed',
    );
    await this.lifecycle.changed(tx, booking, 'booking.payment_mismatch', null, 'Stripe reported another amount', {
      kind: 'mismatch',
      reported: `${reported} ${discrepancy.reportedCurrency}`,
      expected: `${formatAmount(payment.amount, payment.currency)} ${payment.currency}`,
    });
    return 'amount or currency differs: not confirmed';
  }

  /** Held seats become booked. After the hold ended, the booking is confirmed only if its seats are still free; else the money goes back. */
  private async succeeded(tx: TxContext, payment: Payment, booking: Booking): Promise<string> {
    if (!PAYMENT_STATES.canMove(payment.status, PaymentStatus.SUCCEEDED, 'bank')) return 'already succeeded';
    this.payments.move(payment, PaymentStatus.SUCCEEDED, 'bank');
    if (booking.status === BookingStatus.PENDING_PAYMENT) {
      await this.lifecycle.move(tx, booking, BookingStatus.CONFIRMED, 'bank');
      return 'confirmed';
    }
    const late = 'paid after the hold ended; the seats were still free';
    if (
      booking.status === BookingStatus.EXPIRED &&
      (await trySavepoint(tx, (inner) => this.lifecycle.move(inner, booking, BookingStatus.CONFIRMED, 'bank', late)))
    ) {
      return 'confirmed late';
    }
    const before = snapshot(booking);
    await this.lifecycle.changed(
      tx,
      booking,
      'booking.payment_refunded',
      before,
      `paid while ${booking.status.toLowerCase()}: refunded in full`,
    );
    await this.payments.refund(
      tx,
      booking,
      payment,
      await this.payments.refundable(booking, payment),
      'the booking no longer stood when the payment arrived',
    );
    return 'refunded: booking no longer stands';
  }

  /** A failed or cancelled payment ends a booking still awaiting it; after a success it changes nothing. */
  private async ended(
    tx: TxContext,
    payment: Payment,
    booking: Booking,
    status: PaymentStatus.FAILED | PaymentStatus.CANCELED,
    reason: string,
  ): Promise<string> {
    if (!PAYMENT_STATES.canMove(payment.status, status, 'bank')) return 'stale';
    if (booking.status !== BookingStatus.PENDING_PAYMENT) {
      this.payments.move(payment, status, 'bank');
      return 'payment status updated';
    }
    await this.lifecycle.move(tx, booking, BookingStatus.EXPIRED, 'bank', reason);
    this.payments.stop(tx, payment, status, 'bank');
    return 'expired';
  }

  /**
   * The expire_payment_hold job: a booking still awaiting payment (or a guest's confirmation) when its hold
   * ends is EXPIRED and its seats freed.
   */
  async expireHold(ctx: RequestContext, bookingId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await lockBookingWhere(tx, { id: bookingId });
      if (!booking?.holdExpiresAt) return;
      const unconfirmed = booking.status === BookingStatus.PENDING_CONFIRMATION;
      if (booking.status !== BookingStatus.PENDING_PAYMENT && !unconfirmed) return;
      if (requeuedIfEarly(tx, jobs.holdExpiry(bookingId, booking.holdExpiresAt))) return;
      await this.lifecycle.move(
        tx,
        booking,
        BookingStatus.EXPIRED,
        'server',
        unconfirmed ? 'the hold ended before the guest confirmed it' : 'the hold ended before the payment succeeded',
      );
      if (!unconfirmed) this.payments.stop(tx, await booking.payment!.loadOrFail(), PaymentStatus.CANCELED, 'server');
    });
  }
}
