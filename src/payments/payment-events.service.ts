import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import Decimal from 'decimal.js';
import type Stripe from 'stripe';
import type { Logger } from 'pino';
import { snapshot } from '../booking/audit';
import type { BookingChanges } from '../booking/booking-changes';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { changeSeats } from '../booking/seat-ledger';
import { lockBooking } from '../booking/booking.service';
import type { Clock } from '../core/clock';
import { inJobTransaction, type RequestContext } from '../core/context';
import { addJobs, removeJob, requeuedIfEarly } from '../core/jobs';
import { PaymentStatus } from './payment.enums';
import { Payment } from './payment.entity';
import { EXPIRE_PAYMENT_HOLD, holdJobKey, type PaymentService } from './payment.service';
import { StripeEvent } from './stripe-event.entity';

export const APPLY_STRIPE_EVENT = 'apply_stripe_event';

/** Thrown while an event names a PaymentIntent we do not know yet: its booking may still be committing. */
class UnknownIntent extends Error {}

interface IntentObject {
  id: string;
  object: string;
  status?: string;
  payment_intent?: string | { id: string };
  amount_refunded?: number;
  last_payment_error?: { message?: string } | null;
}

/**
 * What the bank's answers do to bookings. Webhook events are stored once by id and applied by a job, one
 * at a time per booking (its row is locked), and only ever forward: the rules for late or repeated events
 * are in the README ("Payments").
 */
export class PaymentEventService {
  constructor(
    private readonly payments: PaymentService,
    private readonly changes: BookingChanges,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Stores a verified event and queues the job that applies it, in one transaction; a replay is a no-op. */
  async receive(em: EntityManager, event: Stripe.Event): Promise<void> {
    await em.transactional(async (tx) => {
      const inserted = await tx.execute(
        'insert into stripe_event (id, type, payload, received_at) values (?, ?, ?, now()) on conflict (id) do nothing returning id',
        [event.id, event.type, JSON.stringify(event)],
      );
      if (inserted.length === 0) return;
      await addJobs(tx as EntityManager, [{ task: APPLY_STRIPE_EVENT, payload: { eventId: event.id }, jobKey: `stripe-event:${event.id}`, maxAttempts: 10 }]);
    });
  }

  /** The APPLY_STRIPE_EVENT job. */
  async apply(em: EntityManager, eventId: string): Promise<void> {
    await inJobTransaction(em, this.clock, async (tx) => {
      const event = await tx.em.findOne(StripeEvent, eventId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!event || event.processedAt) return;
      const object = (event.payload as { data: { object: IntentObject } }).data.object;
      const intentId = object.object === 'payment_intent' ? object.id : typeof object.payment_intent === 'string' ? object.payment_intent : object.payment_intent?.id;
      let outcome = 'ignored';
      if (intentId && (event.type.startsWith('payment_intent.') || event.type === 'charge.refunded')) {
        const payment = await tx.em.findOne(Payment, { intentId });
        if (!payment) throw new UnknownIntent(`No payment for PaymentIntent ${intentId} (yet)`);
        const booking = await lockBooking(tx, { payment });
        outcome = await this.applyTo(tx, event.type, object, payment, booking);
      }
      event.processedAt = tx.clock.now();
      event.outcome = outcome;
      this.log.info({ eventId, type: event.type, outcome }, 'Stripe event applied');
    });
  }

  private async applyTo(tx: RequestContext, type: string, object: IntentObject, payment: Payment, booking: Booking | null): Promise<string> {
    if (!booking) return 'no booking';
    switch (type) {
      case 'payment_intent.succeeded':
        return this.succeeded(tx, payment, booking);
      case 'payment_intent.payment_failed':
        return this.ended(tx, payment, booking, PaymentStatus.FAILED, `the payment failed: ${object.last_payment_error?.message ?? 'declined'}`);
      case 'payment_intent.canceled':
        return this.ended(tx, payment, booking, PaymentStatus.CANCELED, 'the payment was cancelled');
      case 'payment_intent.processing':
      case 'payment_intent.requires_action':
        if (payment.status !== PaymentStatus.REQUIRES_ACTION && payment.status !== PaymentStatus.PROCESSING) return 'stale';
        payment.status = type === 'payment_intent.processing' ? PaymentStatus.PROCESSING : PaymentStatus.REQUIRES_ACTION;
        return 'payment status updated';
      case 'charge.refunded':
        return this.refunded(tx, payment, booking, object.amount_refunded ?? 0);
      default:
        return 'ignored';
    }
  }

  /** Held seats become booked. After the hold ended, the booking is confirmed only if its seats are still free; else the money goes back. */
  private async succeeded(tx: RequestContext, payment: Payment, booking: Booking): Promise<string> {
    if (payment.status === PaymentStatus.SUCCEEDED || payment.status === PaymentStatus.REFUNDED) return 'already succeeded';
    payment.status = PaymentStatus.SUCCEEDED;
    const before = snapshot(booking);
    const seats = new Map(booking.slots.getItems().map((entry) => [entry.slot.id, entry.seats]));
    if (booking.status === BookingStatus.PENDING_PAYMENT) {
      await changeSeats(tx.em, 'held', new Map([...seats].map(([slotId, count]) => [slotId, -count])), tx.clock.now());
      await changeSeats(tx.em, 'booked', seats, tx.clock.now());
      await this.confirm(tx, booking, before, null);
      return 'confirmed';
    }
    if (booking.status === BookingStatus.EXPIRED) {
      const rebooked = await tx.em
        .transactional((savepoint) => changeSeats(savepoint as EntityManager, 'booked', seats, tx.clock.now()))
        .then(() => true)
        .catch(() => false);
      if (rebooked) {
        await this.confirm(tx, booking, before, 'paid after the hold ended; the seats were still free');
        return 'confirmed late';
      }
    }
    await this.payments.refund(tx, booking, payment, this.payments.refundable(payment, booking));
    await this.changes.record(tx, booking, 'booking.payment_refunded', before, `paid while ${booking.status.toLowerCase()}: refunded in full`);
    return 'refunded: booking no longer stands';
  }

  private async confirm(tx: RequestContext, booking: Booking, before: object, reason: string | null): Promise<void> {
    booking.status = BookingStatus.CONFIRMED;
    booking.holdExpiresAt = null;
    await removeJob(tx.em, holdJobKey(booking.id));
    await this.changes.record(tx, booking, 'booking.confirmed', before, reason);
  }

  /** A failed or cancelled payment ends a booking still awaiting it; after a success it changes nothing. */
  private async ended(tx: RequestContext, payment: Payment, booking: Booking, status: PaymentStatus.FAILED | PaymentStatus.CANCELED, reason: string): Promise<string> {
    if (booking.status !== BookingStatus.PENDING_PAYMENT) {
      if (payment.status === PaymentStatus.SUCCEEDED || payment.status === PaymentStatus.REFUNDED) return 'stale';
      payment.status = status;
      return 'payment status updated';
    }
    await this.expire(tx, booking, payment, status, reason);
    return 'expired';
  }

  private async expire(tx: RequestContext, booking: Booking, payment: Payment, status: PaymentStatus.FAILED | PaymentStatus.CANCELED, reason: string): Promise<void> {
    const before = snapshot(booking);
    await this.changes.releaseSeats(tx, booking);
    booking.status = BookingStatus.EXPIRED;
    await removeJob(tx.em, holdJobKey(booking.id));
    await this.payments.stop(tx, payment, status);
    await this.changes.record(tx, booking, 'booking.expired', before, reason);
  }

  /** Money given back at Stripe, by us or from its dashboard. A full refund of a standing booking also cancels it. */
  private async refunded(tx: RequestContext, payment: Payment, booking: Booking, amountRefundedMinor: number): Promise<string> {
    this.payments.refundedByBank(payment, amountRefundedMinor);
    const before = snapshot(booking);
    if (new Decimal(payment.refundedAmount).gt(booking.refundedAmount ?? 0)) booking.refundedAmount = payment.refundedAmount;
    const full = payment.status === PaymentStatus.REFUNDED;
    if (full && booking.status === BookingStatus.CONFIRMED) {
      await this.changes.releaseSeats(tx, booking);
      booking.status = BookingStatus.CANCELLED;
    }
    if (full && (booking.status === BookingStatus.CANCELLED || booking.status === BookingStatus.COMPLETED)) {
      booking.status = BookingStatus.REFUNDED;
      await this.changes.record(tx, booking, 'booking.refunded', before, 'refunded at Stripe');
      return 'booking refunded';
    }
    return 'refund recorded';
  }

  /** The EXPIRE_PAYMENT_HOLD job: a booking still awaiting payment when its hold ends is EXPIRED and its seats freed. */
  async expireHold(em: EntityManager, bookingId: number): Promise<void> {
    await inJobTransaction(em, this.clock, async (tx) => {
      const booking = await lockBooking(tx, { id: bookingId });
      if (!booking || booking.status !== BookingStatus.PENDING_PAYMENT || !booking.holdExpiresAt) return;
      if (await requeuedIfEarly(tx, { task: EXPIRE_PAYMENT_HOLD, payload: { bookingId }, runAt: booking.holdExpiresAt, jobKey: holdJobKey(bookingId) })) return;
      const payment = await booking.payment!.loadOrFail();
      await this.expire(tx, booking, payment, PaymentStatus.CANCELED, 'the hold ended before the payment succeeded');
    });
  }
}
