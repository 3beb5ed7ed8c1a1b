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
}

/** BookingChanged: published inside the transaction of every change to a booking. */
export interface BookingChanged {
  action: BookingAction;
  booking: BookingFacts;
  before: BookingSnapshot | null;
  after: BookingSnapshot;
  reason: string | null;
}

/** SeatsFreed: seats became free on these slots in this transaction (the waitlist offers them on). */
export interface SeatsFreed {
  slotIds: number[];
}
