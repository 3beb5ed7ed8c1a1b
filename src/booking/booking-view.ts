import { Money } from '../graphql/money.type';
import { partySize } from './booking-rules';
import type { BookingRow } from './place-booking';
import type { Party, PriceBreakdown } from './booking.inputs';
import { priceBreakdown } from './terms.types';

/** Who a booking is for, as its `party` field shows it. */
export function bookedParty(booking: BookingRow): Party {
  return { adults: booking.adults, children: booking.children, infants: booking.infants, total: partySize(booking) };
}

/** What a booking costs, line by line at the terms agreed, as its `price` field shows it. */
export function bookedPrice(booking: BookingRow): PriceBreakdown {
  return priceBreakdown(booking, booking.lines, booking.currency, booking.terms.promo);
}

/** Money given back so far; null when nothing was refunded. */
export function refundedOf(booking: BookingRow): Money | null {
  return booking.refundedAmount ? Money.of(booking.refundedAmount, booking.currency) : null;
}
