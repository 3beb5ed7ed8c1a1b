import type { MeetingProvider } from '../catalog/service.enums';
import type { BookingStatus } from './booking.enums';

/** What happened to a booking; also the audit entry's `action`. */
export type BookingAction =
  | 'booking.created'
  | 'booking.confirmed'
  | 'booking.modified'
  | 'booking.cancelled'
  | 'booking.expired'
  | 'booking.completed'
  | 'booking.no_show'
  | 'booking.refund_requested'
  | 'booking.refund_succeeded'
  | 'booking.refund_failed'
  | 'booking.refunded'
  | 'booking.payment_refunded'
  /** Stripe said the payment succeeded for another amount or currency: nothing was confirmed. */
  | 'booking.payment_mismatch'
  /** The booking's meeting link arrived after it was made (a Zoom meeting is made by a job). */
  | 'booking.meeting_linked';

/** What an audit entry keeps of a booking before and after a change. */
export interface BookingSnapshot {
  status: BookingStatus;
  slotIds: string[];
  party: { adults: number; children: number; infants: number };
  total: string;
  currency: string;
  refundedAmount?: string;
}

/** The facts of a booking every listener may need, without loading anything. */
export interface BookingFacts {
  id: number;
  reference: string;
  status: BookingStatus;
  customerId: number;
  serviceId: number;
  startsAt: Date;
  endsAt: Date;
  inviteSequence: number;
  /** Where its online meeting takes place (the customer's choice, or the service's). */
  meetingProvider: MeetingProvider;
}

/**
 * What a change did to the money paid, decided in the change's transaction (its emails tell it as it was
 * then, whatever the bank answers later). Amounts are in the booking's currency.
 */
export type MoneyOutcome =
  /** Given back by this change: asked of the bank for a card (`byCard`), recorded otherwise. */
  | { kind: 'refund'; amount: string; full: boolean; byCard: boolean }
  /** The customer acted inside the agreed cutoff: only the policy's late share (maybe nothing) comes back. */
  | { kind: 'late'; amount: string; cutoffHours: number; byCard: boolean }
  /** A card payment still in progress was stopped: nothing was charged. */
  | { kind: 'stopped' }
  /** Nothing was paid by card here: money paid in other ways is the provider's to give back. */
  | { kind: 'offline' }
  /** The bank confirmed a refund (`amount`) / refused or cancelled one (`why`). */
  | { kind: 'returned'; amount: string }
  | { kind: 'refused'; amount: string; why: string; wasConfirmed: boolean }
  /** Stripe reported a success for another amount or currency than the booking's. */
  | { kind: 'mismatch'; reported: string; expected: string };

/** BookingChanged: published inside the transaction of every change to a booking. */
export interface BookingChanged {
  action: BookingAction;
  booking: BookingFacts;
  before: BookingSnapshot | null;
  after: BookingSnapshot;
  reason: string | null;
  money?: MoneyOutcome;
}

/** SeatsFreed: seats became free on these slots in this transaction (the waitlist offers them on). */
export interface SeatsFreed {
  slotIds: number[];
}
