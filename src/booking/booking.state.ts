import { StateTable } from '../core/state-table';
import { BookingStatus } from './booking.enums';

const { PENDING_PAYMENT, PENDING_CONFIRMATION, CONFIRMED, CANCELLED, EXPIRED, COMPLETED, NO_SHOW, REFUNDED } =
  BookingStatus;

/** The only moves a booking's status can make, and who makes them (README, "Code map" and "How it behaves"). */
export const BOOKING_STATES = new StateTable<BookingStatus>('booking', {
  [PENDING_PAYMENT]: { [CONFIRMED]: ['bank'], [CANCELLED]: ['user'], [EXPIRED]: ['bank', 'server'] },
  // A guest's free booking: the guest confirms it from the emailed link (docs/guest-bookings.md).
  [PENDING_CONFIRMATION]: { [CONFIRMED]: ['user'], [CANCELLED]: ['user'], [EXPIRED]: ['server'] },
  [CONFIRMED]: { [COMPLETED]: ['user'], [NO_SHOW]: ['user'], [CANCELLED]: ['user', 'bank'] },
  [CANCELLED]: { [REFUNDED]: ['user', 'bank'] },
  [COMPLETED]: { [REFUNDED]: ['user', 'bank'] },
  [NO_SHOW]: { [REFUNDED]: ['user', 'bank'] },
  // Paid after the hold ended while every seat was still free (README, "Payments").
  [EXPIRED]: { [CONFIRMED]: ['bank'] },
  // A refund the bank confirmed and later failed: the booking is again what it was before (README, "Refunds").
  [REFUNDED]: { [CANCELLED]: ['bank'], [COMPLETED]: ['bank'], [NO_SHOW]: ['bank'] },
});

export type SeatColumn = 'held' | 'booked';

/** Where a status keeps its seats: `held` while awaiting payment or a guest's confirmation, `booked` once confirmed, none otherwise. */
export function seatColumn(status: BookingStatus): SeatColumn | null {
  if (status === PENDING_PAYMENT || status === PENDING_CONFIRMATION) return 'held';
  if (status === CONFIRMED) return 'booked';
  return null;
}
