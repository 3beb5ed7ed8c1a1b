import { DomainError } from '../core/errors';
import { BookingStatus } from './booking.enums';

const { PENDING_PAYMENT, CONFIRMED, CANCELLED, EXPIRED, COMPLETED, NO_SHOW, REFUNDED } = BookingStatus;

/** The only moves a booking's status can make (CONTRACT.md, "Booking"). */
const NEXT: Record<BookingStatus, readonly BookingStatus[]> = {
  [PENDING_PAYMENT]: [CONFIRMED, CANCELLED, EXPIRED],
  [CONFIRMED]: [COMPLETED, NO_SHOW, CANCELLED],
  [CANCELLED]: [REFUNDED],
  [COMPLETED]: [REFUNDED],
  [EXPIRED]: [],
  [NO_SHOW]: [],
  [REFUNDED]: [],
};

export function assertMove(from: BookingStatus, to: BookingStatus): void {
  if (!NEXT[from].includes(to)) throw new DomainError('INVALID_TRANSITION', `A ${from} booking cannot become ${to}`, { from, to });
}

/** Statuses whose seats count on their slots: `held` while awaiting payment, `booked` once confirmed. */
export function seatColumn(status: BookingStatus): 'held' | 'booked' | null {
  if (status === PENDING_PAYMENT) return 'held';
  if (status === CONFIRMED) return 'booked';
  return null;
}
