import { MeetingProvider } from '../catalog/service.enums';
import { RunAgain, type TxContext } from '../core/context';
import { statement, type StatementParts } from '../core/effects';
import { type Fragment, sql } from '../core/sql';
import { jobs } from '../jobs';
import type { Intent } from '../payments/payment-gateway';
import type { BookingLifecycle } from './booking-lifecycle';
import type { BookingPlan } from './booking-plan';
import { Booking } from './booking.entity';
import { BookingStatus } from './booking.enums';
import { formatAmount } from '../core/money';
import { databaseRefusal } from '../core/refusals';
import type { EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { managed, preparedStatement, rowData } from '../infra/orm';
import { slotsNoticeCall } from '../live/live-events';
import { type SeatDeltas, seatMove, seatReason, showCounters, type SlotCounters } from './seat-ledger';
import { takeSeats } from './seat-ledger.sql';
import { type BookingColumns, bookingRows, paymentRow, promoUsed, seatsChanged, seatsTaken } from './place-booking.sql';
import { newReference, referenceTaken } from './reference';

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

/** A booking's own columns, by property: what its answer reads when it names none of its relations. */
export type BookingRow = Omit<
  Booking,
  'service' | 'customer' | 'payment' | 'refunds' | 'slots' | 'history' | 'calendarSyncs' | 'partySize'
>;

/**
 * A booking as its statement wrote it: its row's values, and the managed entity made from them once a caller
 * needs one (to relate or change it, or to answer its relations). Making the entity (and references to its
 * service and customer) was an eighth of a booking's server CPU, for answers that mostly read the row.
 */
export class WrittenBooking {
  private made: Booking | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly data: EntityData<Booking>,
  ) {}

  get row(): BookingRow {
    return this.data as BookingRow;
  }

  entity(): Booking {
    this.made ??= managed(this.em, Booking, this.data);
    return this.made;
  }
}

/**
 * Writes a new booking in ONE statement: its seats taken (`take_seats`, slot-id order, or a named
 * refusal that undoes everything), the booking with its agreed terms and price lines, its slot links with
 * their agreed unit prices, its payment, and every effect its listeners asked for (audit entry, live notices,
 * jobs). Alone it is a transaction of its own; inside a use case's transaction it is one of its statements.
 * No entity is hydrated from a query: the booking answered is its row as written (the values sent, and the
 * payment id the database gave). Alone it is sent as a named prepared statement with its values bound.
 */
export async function placeBooking(
  tx: TxContext,
  lifecycle: BookingLifecycle,
  placement: Placement,
): Promise<WrittenBooking> {
  const { id, reference, plan, intent, checkout = null } = placement;
  const { terms, service } = plan;
  const now = tx.clock.now();
  const paid = intent !== null || checkout !== null;
  const status = statusOf(placement, paid);
  const held = status !== BookingStatus.CONFIRMED;
  const holdExpiresAt = held ? new Date(now.getTime() + placement.holdMinutes * 60_000) : null;
  const meetingProvider = plan.meetingProvider ?? service.meetingProvider;
  const seats = new Map(plan.slots.map((slot) => [slot.id, terms.seats]));
  const deltas = seatMove(seats, plan.seatsHeld ? 'held' : null, held ? 'held' : 'booked');
  await announce(tx, lifecycle, placement, status, meetingProvider);
  if (holdExpiresAt) tx.effects.addJob(jobs.holdExpiry(id, holdExpiresAt));
  const meetingUrl = meetingProvider === MeetingProvider.JITSI ? `https://meet.jit.si/${reference}` : null;
  const booking = bookingRows(plan, { id, reference, status, holdExpiresAt, meetingProvider, meetingUrl, now }, paid);
  const parts = [
    seatsTaken(takeSeats(deltas)),
    ...(paid ? [paymentRow(plan, { intent, checkout }, now)] : []),
    booking,
    // Every slot of a new booking changes the same way; its live notice carries the counters take_seats answers.
    ...(deltas.size > 0 ? [seatsNotice(tx, service.id, deltas)] : []),
    ...(terms.agreed.promo ? [promoUsed(terms.agreed.promo.codeId, now)] : []),
    tx.effects.take(),
  ];
  try {
    return await written(tx, statement(parts, 'b'), booking.columns);
  } catch (error) {
    if (!referenceTaken(error)) throw error;
    // The use case runs again under another reference. A card payment started already keeps the first in its
    // metadata (and a guest's checkout in its name); payments are matched by their intent and the booking id.
    placement.reference = newReference(now);
    throw new RunAgain(`booking reference ${reference} was taken`);
  }
}

/** Tells the booking's listeners (audit, live notices, jobs...), whose effects the statement then carries. */
function announce(
  tx: TxContext,
  lifecycle: BookingLifecycle,
  { id, reference, plan }: Placement,
  status: BookingStatus,
  meetingProvider: MeetingProvider,
): Promise<void> {
  const { terms, service } = plan;
  const facts = { id, reference, status, customerId: plan.customerId, serviceId: service.id, inviteSequence: 0 };
  return lifecycle.placed(
    tx,
    { ...facts, startsAt: terms.startsAt, endsAt: terms.endsAt, meetingProvider },
    {
      status,
      slotIds: plan.slots.map((slot) => String(slot.id)),
      party: { adults: terms.adults, children: terms.children, infants: terms.infants },
      total: formatAmount(terms.total, terms.currency),
      currency: terms.currency,
    },
  );
}

/** Sends the statement (a named prepared one when alone) and answers the booking row it wrote: `columns` and its payment. */
async function written(tx: TxContext, { text, values }: Fragment, columns: BookingColumns): Promise<WrittenBooking> {
  let row: Record<string, unknown>;
  try {
    [row] = await preparedStatement<Record<string, unknown>>(tx, text, [...values]);
  } catch (error) {
    throw databaseRefusal(error) ?? error;
  }
  showCounters(tx, row.fx_seats as SlotCounters[]);
  return new WrittenBooking(tx.em, rowData(tx.em, Booking, { ...columns, payment_id: row.payment_id }));
}

/** CONFIRMED, unless it waits for a card payment (PENDING_PAYMENT) or for a guest's confirmation. */
function statusOf(placement: Placement, paid: boolean): BookingStatus {
  if (paid) return BookingStatus.PENDING_PAYMENT;
  return placement.awaitsConfirmation ? BookingStatus.PENDING_CONFIRMATION : BookingStatus.CONFIRMED;
}

/** The live notice of the seats taken, as a call of the statement that takes them. */
function seatsNotice(tx: TxContext, serviceId: number, deltas: SeatDeltas): StatementParts {
  const reason = seatReason([...deltas.values()][0]);
  return {
    ctes: [],
    calls: [sql`${slotsNoticeCall(tx, serviceId, [...deltas.keys()], reason, seatsChanged)} as fx_notice`],
  };
}
