import type { StatementParts } from '../core/effects';
import { type Fragment, joined, pgArray, raw, sql } from '../core/sql';
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

/** The booking's columns as written: its row, once the statement adds what the database decides (`payment_id`). */
export type BookingColumns = Record<string, unknown>;

/** Columns sent as text and cast; the JSON ones are kept parsed in the row, as the database answers them. */
const CASTS: Record<string, string> = {
  terms: 'jsonb',
  lines: 'jsonb',
  contact: 'jsonb',
  answers: 'jsonb',
  meeting_provider: 'meeting_provider',
};

/** The columns a new booking leaves to their defaults, as the row has them. */
const DEFAULTS = { refunded_amount: null, cancellation_reason: null, manage_generation: 0 };

/**
 * The booking (`b`) with its agreed terms and price lines, and its slot links at their agreed unit prices.
 * Its row is answered from the values written (`columns`), not sent back: reading the 34 columns back
 * (their description, their parsing, their mapping) was about a seventh of a booking's server CPU.
 */
export function bookingRows(
  plan: BookingPlan,
  row: NewBookingRow,
  paid: boolean,
): StatementParts & { columns: BookingColumns } {
  const { terms, service } = plan;
  const json = (value: unknown) => (value == null ? null : JSON.stringify(value));
  const written: Record<string, unknown> = {
    id: row.id,
    reference: row.reference,
    service_id: service.id,
    customer_id: plan.customerId,
    status: row.status,
    starts_at: terms.startsAt,
    ends_at: terms.endsAt,
    adults: terms.adults,
    children: terms.children,
    infants: terms.infants,
    subtotal: terms.subtotal,
    discount: terms.discount,
    tax: terms.tax,
    total: terms.total,
    currency: terms.currency,
    terms: json(terms.agreed),
    lines: json(terms.lines),
    hold_expires_at: row.holdExpiresAt,
    meeting_provider: row.meetingProvider,
    series_id: plan.seriesId ?? null,
    meeting_url: row.meetingUrl,
    notes: plan.notes ?? null,
    special_requirements: plan.specialRequirements ?? null,
    contact: json(plan.contact),
    dietary_restrictions: plan.dietaryRestrictions ?? null,
    accessibility_needs: plan.accessibilityNeeds ?? null,
    answers: json(plan.answers ?? []),
    invite_sequence: 0,
    created_at: row.now,
    updated_at: row.now,
  };
  const names = Object.keys(written);
  const values = names.map((name) =>
    CASTS[name] ? sql`${written[name]}::${raw(CASTS[name])}` : sql`${written[name]}`,
  );
  const payment = paid ? raw('(select id from pay)') : raw('null');
  const columns = Object.fromEntries(
    names.map((name) => {
      const value = written[name];
      return [name, CASTS[name] === 'jsonb' && value !== null ? JSON.parse(value as string) : value];
    }),
  );
  return {
    ctes: [
      sql`b as (insert into booking (${raw(names.join(', '))}, payment_id) select ${joined(values)}, ${payment} from seats returning id, payment_id)`,
      sql`links as (insert into booking_slot (booking_id, slot_id, seats, unit_price)
        select b.id, u.slot_id, ${terms.seats}, u.unit_price from b, unnest(${pgArray([...terms.unitPrices.keys()])}::int[], ${pgArray([...terms.unitPrices.values()])}::numeric[]) as u(slot_id, unit_price) returning 1)`,
    ],
    calls: [raw('b.payment_id'), raw('(select count(*) from links) as fx_links')],
    columns: { ...columns, ...DEFAULTS },
  };
}

/** The use of the booking's promo code, counted under the code's row lock: a code used up meanwhile refuses it all (BK009). */
export const promoUsed = (codeId: number, now: Date): StatementParts => ({
  ctes: [],
  calls: [sql`use_promo_code(${codeId}, ${now}) as fx_promo`],
});
