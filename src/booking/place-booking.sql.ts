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

/** The booking's columns as written: its row, once the statement adds what the database decides (`payment_id`). */
export type BookingColumns = Record<string, unknown>;

/**
 * The booking (`b`) with its agreed terms and price lines, and its slot links at their agreed unit prices.
 * Its row is answered from the values written (`columns`), not sent back: reading the 34 columns back
 * (their description, their parsing, their mapping) was about a seventh of a booking's server CPU. JSON columns
 * are given as the database keeps them: parsed from the text written.
 */
export function bookingRows(
  plan: BookingPlan,
  row: NewBookingRow,
  paid: boolean,
): StatementParts & { columns: BookingColumns } {
  const { terms, service } = plan;
  const text = (value: unknown) => (value == null ? null : JSON.stringify(value));
  const json = {
    terms: text(terms.agreed),
    lines: text(terms.lines),
    contact: text(plan.contact),
    answers: text(plan.answers ?? []),
  };
  const columns: BookingColumns = {
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
    refunded_amount: null,
    hold_expires_at: row.holdExpiresAt,
    meeting_url: row.meetingUrl,
    notes: plan.notes ?? null,
    special_requirements: plan.specialRequirements ?? null,
    created_at: row.now,
    updated_at: row.now,
    invite_sequence: 0,
    payment_id: null,
    contact: json.contact === null ? null : JSON.parse(json.contact),
    dietary_restrictions: plan.dietaryRestrictions ?? null,
    accessibility_needs: plan.accessibilityNeeds ?? null,
    cancellation_reason: null,
    terms: JSON.parse(json.terms!),
    lines: JSON.parse(json.lines!),
    meeting_provider: row.meetingProvider,
    series_id: plan.seriesId ?? null,
    manage_generation: 0,
    answers: JSON.parse(json.answers!),
  };
  const payment = paid ? raw('(select id from pay)') : raw('null');
  const c = columns;
  return {
    ctes: [
      sql`b as (insert into booking (id, reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total,
          currency, terms, lines, payment_id, hold_expires_at, meeting_provider, series_id, meeting_url, notes, special_requirements, contact, dietary_restrictions, accessibility_needs, answers, invite_sequence, created_at, updated_at)
        select ${c.id}, ${c.reference}, ${c.service_id}, ${c.customer_id}, ${c.status}, ${c.starts_at}, ${c.ends_at}, ${c.adults}, ${c.children}, ${c.infants},
          ${c.subtotal}, ${c.discount}, ${c.tax}, ${c.total}, ${c.currency}, ${json.terms}::jsonb, ${json.lines}::jsonb, ${payment},
          ${c.hold_expires_at}, ${c.meeting_provider}::meeting_provider, ${c.series_id}, ${c.meeting_url}, ${c.notes}, ${c.special_requirements},
          ${json.contact}::jsonb, ${c.dietary_restrictions}, ${c.accessibility_needs}, ${json.answers}::jsonb, 0, ${c.created_at}, ${c.updated_at} from seats returning id, payment_id)`,
      sql`links as (insert into booking_slot (booking_id, slot_id, seats, unit_price)
        select b.id, u.slot_id, ${terms.seats}, u.unit_price from b, unnest(${pgArray([...terms.unitPrices.keys()])}::int[], ${pgArray([...terms.unitPrices.values()])}::numeric[]) as u(slot_id, unit_price) returning 1)`,
    ],
    calls: [raw('b.payment_id'), raw('(select count(*) from links) as fx_links')],
    columns,
  };
}

/** The use of the booking's promo code, counted under the code's row lock: a code used up meanwhile refuses it all (BK009). */
export const promoUsed = (codeId: number, now: Date): StatementParts => ({
  ctes: [],
  calls: [sql`use_promo_code(${codeId}, ${now}) as fx_promo`],
});
