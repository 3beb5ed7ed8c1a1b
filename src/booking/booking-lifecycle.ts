import type { TxContext } from '../core/context';
import { formatAmount } from '../core/money';
import type { Mover } from '../core/state-table';
import type { Events } from '../events';
import { jobKeys } from '../jobs';
import type { BookingAction, BookingFacts, BookingSnapshot, MoneyOutcome } from './booking-events';
import type { Booking } from './booking.entity';
import { BookingStatus } from './booking.enums';
import { BOOKING_STATES, seatColumn } from './booking.state';
import { holdReleased } from './hold-policy';
import { changeSeats, seatMove } from './seat-ledger';

/** What an audit entry keeps of a booking before and after a change; amounts in the currency's format (formatAmount). */
export function snapshot(booking: Booking): BookingSnapshot {
  return {
    status: booking.status,
    slotIds: booking.slots.getItems().map((entry) => String(entry.slot.id)),
    party: { adults: booking.adults, children: booking.children, infants: booking.infants },
    total: formatAmount(booking.total, booking.currency),
    currency: booking.currency,
    ...(booking.refundedAmount ? { refundedAmount: formatAmount(booking.refundedAmount, booking.currency) } : {}),
  };
}

export function facts(booking: Booking): BookingFacts {
  return {
    id: booking.id,
    reference: booking.reference,
    status: booking.status,
    customerId: booking.customer.id,
    serviceId: booking.service.id,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    inviteSequence: booking.inviteSequence,
    meetingProvider: booking.meetingProvider,
  };
}

/** Seats per slot of a booking whose slots are loaded. */
export function seatsOf(booking: Booking): Map<number, number> {
  return new Map(booking.slots.getItems().map((entry) => [entry.slot.id, entry.seats]));
}

const ACTION_ON_ENTER: Record<BookingStatus, BookingAction> = {
  [BookingStatus.PENDING_PAYMENT]: 'booking.created',
  [BookingStatus.PENDING_CONFIRMATION]: 'booking.created',
  [BookingStatus.CONFIRMED]: 'booking.confirmed',
  [BookingStatus.CANCELLED]: 'booking.cancelled',
  [BookingStatus.EXPIRED]: 'booking.expired',
  [BookingStatus.COMPLETED]: 'booking.completed',
  [BookingStatus.NO_SHOW]: 'booking.no_show',
  [BookingStatus.REFUNDED]: 'booking.refunded',
};

/**
 * The only writer of `booking.status`: a move is checked against the state table, the seats follow it
 * (held to booked, freed, or taken again), and the change is published as a typed event in the same
 * transaction. Freed seats are published too, so that the waitlist offers them on.
 */
export class BookingLifecycle {
  constructor(private readonly events: Events) {}

  /** `told` names the change when entering the status is not the news itself, and what it did to the money. */
  async move(
    tx: TxContext,
    booking: Booking,
    to: BookingStatus,
    by: Mover,
    reason: string | null = null,
    told: { action?: BookingAction; money?: MoneyOutcome } = {},
  ): Promise<void> {
    BOOKING_STATES.assertMove(booking.status, to, by);
    const before = snapshot(booking);
    const from = seatColumn(booking.status);
    const next = seatColumn(to);
    const seats = seatsOf(booking);
    await changeSeats(tx, booking.service.id, seatMove(seats, from, next));
    if (from === 'held' && !next) holdReleased(tx, booking.customer.id, [...seats.keys()]); // cancelled or ran out
    booking.status = to;
    if (next !== 'held' && booking.holdExpiresAt) {
      booking.holdExpiresAt = null;
      tx.effects.removeJob(jobKeys.hold(booking.id));
    }
    if (to === BookingStatus.CANCELLED) booking.inviteSequence += 1; // the invite's METHOD:CANCEL
    await this.changed(tx, booking, told.action ?? ACTION_ON_ENTER[to], before, reason, told.money);
    if (from && !next) await this.seatsFreed(tx, [...seats.keys()]);
  }

  /**
   * A meeting link arrived after the booking (Zoom's meeting, Google's Meet): it goes on a confirmed booking
   * with its invite SEQUENCE one higher, published as `booking.meeting_linked`, so that both sides get the
   * "Your meeting link" email and the updated invite, and open views and webhooks hear of it.
   */
  async linkMeeting(tx: TxContext, booking: Booking, url: string): Promise<void> {
    if (booking.status !== BookingStatus.CONFIRMED || booking.meetingUrl === url) return;
    const before = snapshot(booking);
    booking.meetingUrl = url;
    booking.inviteSequence += 1;
    await this.changed(tx, booking, 'booking.meeting_linked', before);
  }

  /** Publishes a change of a booking other than its status (modified, refunds). */
  async changed(
    tx: TxContext,
    booking: Booking,
    action: BookingAction,
    before: BookingSnapshot | null,
    reason: string | null = null,
    money?: MoneyOutcome,
  ): Promise<void> {
    await this.events.publish(tx, 'bookingChanged', {
      action,
      booking: facts(booking),
      before,
      after: snapshot(booking),
      reason,
      ...(money ? { money } : {}),
    });
  }

  /** Publishes a booking being made, from its facts (it is written in the same statement as its effects). */
  async placed(tx: TxContext, booking: BookingFacts, after: BookingSnapshot): Promise<void> {
    await this.events.publish(tx, 'bookingChanged', {
      action: 'booking.created',
      booking,
      before: null,
      after,
      reason: null,
    });
  }

  async seatsFreed(tx: TxContext, slotIds: number[]): Promise<void> {
    if (slotIds.length > 0) await this.events.publish(tx, 'seatsFreed', { slotIds });
  }
}
