import type { StatementParts } from '../core/effects';
import { type Fragment, pgArray, raw, sql } from '../core/sql';
import type { Intent } from '../payments/payment-gateway';
import type { BookingPlan } from './booking-plan';
import type { BookingStatus } from './booking.enums';

/** What a new booking's row holds beyond its plan: decided by placeBooking. */
export interface NewBookingRow {
  id: number;
  reference: string;
  status: BookingStatus;
  holdExpiresAt: Date | null;
  meetingProvider: string;
  meetingUrl: string | null;
  now: Date;
}

/** A card payment to record with the booking: a PaymentIntent, or a guest's Checkout Session. */
export interface NewPayment {
  intent: Intent | null;
  checkout: { id: string; url: string } | null;
}

/** The seats taken first (`seats`, whose `changed` the rest reads): nothing else is written when they are refused. */
export const seatsTaken = (takeSeats: Fragment): StatementParts => ({
  ctes: [sql`seats as (select ${takeSeats} as changed)`],
  calls: [raw('(select changed from seats) as fx_seats')],
});

/** The counters `take_seats` answered, for calls of the same statement (the live notice). */
export const seatsChanged = raw('(select changed from seats)');

/** The card payment, written once the seats are taken (`pay`). */
export const paymentRow = (plan: BookingPlan, { intent, checkout }: NewPayment, now: Date): StatementParts => ({
  ctes: [
    sql`pay as (insert into payment (payer_id, status, amount, currency, intent_id, client_secret, checkout_session_id, checkout_url, provider, refunded_amount, created_at, updated_at)
      select ${plan.customerId}, 'REQUIRES_ACTION', ${plan.terms.total}, ${plan.terms.currency}, ${intent?.id ?? null}, ${intent?.clientSecret ?? null},
        ${checkout?.id ?? null}, ${checkout?.url ?? null}, 'stripe', 0, ${now}, ${now} from seats returning id)`,
  ],
  calls: [],
});

/** The booking (`b`, its row answered) with its agreed terms and price lines, and its slot links at their agreed unit prices. */
export function bookingRows(plan: BookingPlan, row: NewBookingRow, paid: boolean): StatementParts {
  const { terms, service } = plan;
  const json = (value: unknown) => (value == null ? null : JSON.stringify(value));
  const payment = paid ? raw('(select id from pay)') : raw('null');
  return {
    ctes: [
      sql`b as (insert into booking (id, reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total,
          currency, terms, lines, payment_id, hold_expires_at, meeting_provider, series_id, meeting_url, notes, special_requirements, contact, dietary_restrictions, accessibility_needs, answers, invite_sequence, created_at, updated_at)
        select ${row.id}, ${row.reference}, ${service.id}, ${plan.customerId}, ${row.status}, ${terms.startsAt}, ${terms.endsAt}, ${terms.adults}, ${terms.children}, ${terms.infants},
          ${terms.subtotal}, ${terms.discount}, ${terms.tax}, ${terms.total}, ${terms.currency}, ${json(terms.agreed)}::jsonb, ${json(terms.lines)}::jsonb, ${payment},
          ${row.holdExpiresAt}, ${row.meetingProvider}::meeting_provider, ${plan.seriesId ?? null}, ${row.meetingUrl}, ${plan.notes ?? null}, ${plan.specialRequirements ?? null},
          ${json(plan.contact)}::jsonb, ${plan.dietaryRestrictions ?? null}, ${plan.accessibilityNeeds ?? null}, ${json(plan.answers ?? [])}::jsonb, 0, ${row.now}, ${row.now} from seats returning *)`,
      sql`links as (insert into booking_slot (booking_id, slot_id, seats, unit_price)
        select b.id, u.slot_id, ${terms.seats}, u.unit_price from b, unnest(${pgArray([...terms.unitPrices.keys()])}::int[], ${pgArray([...terms.unitPrices.values()])}::numeric[]) as u(slot_id, unit_price) returning 1)`,
    ],
    calls: [raw('b.*'), raw('(select count(*) from links) as fx_links')],
  };
}

/** The use of the booking's promo code, counted under the code's row lock: a code used up meanwhile refuses it all (BK009). */
export const promoUsed = (codeId: number, now: Date): StatementParts => ({
  ctes: [],
  calls: [sql`use_promo_code(${codeId}, ${now}) as fx_promo`],
});
