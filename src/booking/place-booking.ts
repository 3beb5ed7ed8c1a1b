import { MeetingProvider } from '../catalog/service.enums';
import type { TxContext } from '../core/context';
import { statement, type StatementParts } from '../core/effects';
import { jobs } from '../jobs';
import type { Intent } from '../payments/payment-gateway';
import type { BookingFacts } from './booking-events';
import type { BookingLifecycle } from './booking-lifecycle';
import type { BookingPlan } from './booking-plan';
import { Booking } from './booking.entity';
import { BookingStatus } from './booking.enums';
import { formatAmount } from '../core/money';
import { databaseRefusal } from '../core/refusals';
import { preparedStatement, mapRow } from '../core/orm';
import { pgArray } from '../core/sql';
import { slotsNoticeCall } from '../live/live-events';
import { seatMove, seatReason, showCounters, takeSeatsCall, type SlotCounters } from './seat-ledger';

export interface Placement {
  /** Taken from the booking id sequence before, so that effects and the PaymentIntent can name it. */
  id: number;
  reference: string;
  plan: BookingPlan;
  intent: Intent | null;
  /** A guest's card payment: a Stripe Checkout Session in place of the PaymentIntent (guests/guest-booking.service.ts). */
  checkout?: { id: string; url: string } | null;
  /** A guest's free booking: PENDING_CONFIRMATION, its seats held until the guest confirms it from the emailed link. */
  awaitsConfirmation?: boolean;
  holdMinutes: number;
}

/**
 * Writes a new booking in ONE statement: its seats taken (`take_seats`, slot-id order, or a named
 * refusal that undoes everything), the booking with its agreed terms and price lines, its slot links with
 * their agreed unit prices, its
 * payment, and every effect its listeners asked for (audit entry, live notices, jobs). Alone it is a
 * transaction of its own; inside a use case's transaction it is one of its statements. No entity is
 * hydrated from a query: the booking answered is the row the insert returned. Alone it is sent as a named
 * prepared statement with its values bound.
 */
export async function placeBooking(tx: TxContext, lifecycle: BookingLifecycle, placement: Placement): Promise<Booking> {
  const { id, reference, plan, intent, checkout = null } = placement;
  const { terms, service } = plan;
  const now = tx.clock.now();
  const paid = intent !== null || checkout !== null;
  const status = paid
    ? BookingStatus.PENDING_PAYMENT
    : placement.awaitsConfirmation
      ? BookingStatus.PENDING_CONFIRMATION
      : BookingStatus.CONFIRMED;
  const held = status !== BookingStatus.CONFIRMED;
  const holdExpiresAt = held ? new Date(now.getTime() + placement.holdMinutes * 60_000) : null;
  const meetingProvider = plan.meetingProvider ?? service.meetingProvider;
  const seats = new Map(plan.slots.map((slot) => [slot.id, terms.seats]));
  const deltas = seatMove(seats, plan.seatsHeld ? 'held' : null, held ? 'held' : 'booked');
  const facts: BookingFacts = {
    id,
    reference,
    status,
    customerId: plan.customerId,
    serviceId: service.id,
    startsAt: terms.startsAt,
    endsAt: terms.endsAt,
    inviteSequence: 0,
    meetingProvider,
  };
  await lifecycle.placed(tx, facts, {
    status,
    slotIds: plan.slots.map((slot) => String(slot.id)),
    party: { adults: terms.adults, children: terms.children, infants: terms.infants },
    total: formatAmount(terms.total, terms.currency),
    currency: terms.currency,
  });
  if (holdExpiresAt) tx.effects.addJob(jobs.holdExpiry(id, holdExpiresAt));

  const seatCall = takeSeatsCall(deltas);
  const booking: StatementParts = {
    ctes: [`seats as (select ${seatCall.sql} as changed)`],
    cteParams: [...seatCall.params],
    calls: ['b.*', '(select count(*) from links) as fx_links', '(select changed from seats) as fx_seats'],
    callParams: [],
  };
  if (deltas.size > 0) {
    // Every slot of a new booking changes the same way; its live notice carries the counters take_seats answers.
    const notice = slotsNoticeCall(
      tx,
      service.id,
      [...deltas.keys()],
      seatReason([...deltas.values()][0]),
      '(select changed from seats)',
    );
    booking.calls.push(`${notice.sql} as fx_notice`);
    booking.callParams.push(...notice.params);
  }
  if (terms.agreed.promo) {
    // The use is counted here, under the code's row lock: a code used up meanwhile refuses the whole booking (BK009).
    booking.calls.push('use_promo_code(?, ?) as fx_promo');
    booking.callParams.push(terms.agreed.promo.codeId, now);
  }
  if (paid) {
    booking.ctes.push(`pay as (insert into payment (payer_id, status, amount, currency, intent_id, client_secret, checkout_session_id, checkout_url, provider, refunded_amount, created_at, updated_at)
      select ?, 'REQUIRES_ACTION', ?, ?, ?, ?, ?, ?, 'stripe', 0, ?, ? from seats returning id)`);
    booking.cteParams.push(
      plan.customerId,
      terms.total,
      terms.currency,
      intent?.id ?? null,
      intent?.clientSecret ?? null,
      checkout?.id ?? null,
      checkout?.url ?? null,
      now,
      now,
    );
  }
  booking.ctes.push(
    `b as (insert into booking (id, reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total,
        currency, terms, lines, payment_id, hold_expires_at, meeting_provider, series_id, meeting_url, notes, special_requirements, contact, dietary_restrictions, accessibility_needs, answers, invite_sequence, created_at, updated_at)
      select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ${paid ? '(select id from pay)' : 'null'}, ?, ?::meeting_provider, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, 0, ?, ? from seats returning *)`,
    `links as (insert into booking_slot (booking_id, slot_id, seats, unit_price)
      select b.id, u.slot_id, ?, u.unit_price from b, unnest(?::int[], ?::numeric[]) as u(slot_id, unit_price) returning 1)`,
  );
  booking.cteParams.push(
    id,
    reference,
    service.id,
    plan.customerId,
    status,
    terms.startsAt,
    terms.endsAt,
    terms.adults,
    terms.children,
    terms.infants,
    terms.subtotal,
    terms.discount,
    terms.tax,
    terms.total,
    terms.currency,
    JSON.stringify(terms.agreed),
    JSON.stringify(terms.lines),
    holdExpiresAt,
    meetingProvider,
    plan.seriesId ?? null,
    meetingProvider === MeetingProvider.JITSI ? `https://meet.jit.si/${reference}` : null,
    plan.notes ?? null,
    plan.specialRequirements ?? null,
    plan.contact ? JSON.stringify(plan.contact) : null,
    plan.dietaryRestrictions ?? null,
    plan.accessibilityNeeds ?? null,
    JSON.stringify(plan.answers ?? []),
    now,
    now,
    terms.seats,
    pgArray([...terms.unitPrices.keys()]),
    pgArray([...terms.unitPrices.values()]),
  );
  const { sql, params } = statement([booking, tx.effects.take()], 'b');
  let row: Record<string, unknown>;
  try {
    [row] = await preparedStatement<Record<string, unknown>>(tx, sql, params);
  } catch (error) {
    throw databaseRefusal(error) ?? error;
  }
  showCounters(tx, row.fx_seats as SlotCounters[]);
  return mapRow(tx.em, Booking, Object.fromEntries(Object.entries(row).filter(([key]) => !key.startsWith('fx_'))));
}
