import { registerEnumType } from 'type-graphql';
import type { Fragment } from '../core/sql';
import { slotsNotice } from './live-events.sql';
import type { TxContext } from '../core/context';

export enum SlotChangeReason {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  BOOKED = 'BOOKED',
  HELD = 'HELD',
  RELEASED = 'RELEASED',
  OPENED = 'OPENED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SlotChangeReason, {
  name: 'SlotChangeReason',
  description: 'What changed a slot.',
  valuesConfig: {
    CREATED: { description: 'The slot was made.' },
    UPDATED: { description: 'Its capacity or other details changed.' },
    BOOKED: { description: 'Seats were booked.' },
    HELD: { description: 'Seats were held (a booking awaiting payment, a waitlist offer).' },
    RELEASED: { description: 'Seats were freed (cancel, expiry, modification).' },
    OPENED: { description: 'The slot was reopened.' },
    CLOSED: { description: 'The slot was closed.' },
    CANCELLED: { description: 'The slot was cancelled.' },
  },
});

/** PostgreSQL channels; NOTIFY inside a transaction (written with its effects) is delivered only on commit, to every listening process. */
export const CHANNELS = { slots: 'live_slots', bookings: 'live_bookings', proposals: 'live_proposals' } as const;

/** What travels in a NOTIFY: ids only, far below PostgreSQL's 8,000-byte limit; listeners load the rest. */
export interface SlotsNotice {
  serviceId: number;
  slotIds: number[];
  reason: SlotChangeReason;
  at: string;
  /** A seat change's counters as the change left them: each event shows its own state, not the state when it is read. */
  counters?: SeatCounters[];
}

/** A slot's seat counters right after a change (what `take_seats` answers). */
export interface SeatCounters {
  id: number;
  booked: number;
  held: number;
}

export interface BookingNotice {
  bookingId: number;
  at: string;
}

/** A proposal changed; it goes to its customer, its provider's user and admins. */
export interface ProposalNotice {
  proposalId: number;
  customerId: number;
  providerUserId: number;
  at: string;
}

const IDS_PER_NOTICE = 500;
/** Fewer per notice when each carries its counters, to stay under the limit. */
const COUNTED_PER_NOTICE = 100;

/** Announces changed slots of one service when the caller's transaction commits, with their counters after a seat change. */
export function announceSlots(
  tx: TxContext,
  serviceId: number,
  slotIds: number[],
  reason: SlotChangeReason,
  counters?: SeatCounters[],
): void {
  const at = tx.clock.now().toISOString();
  const size = counters ? COUNTED_PER_NOTICE : IDS_PER_NOTICE;
  for (let start = 0; start < slotIds.length; start += size) {
    const ids = slotIds.slice(start, start + size);
    const notice: SlotsNotice = {
      serviceId,
      slotIds: ids,
      reason,
      at,
      ...(counters ? { counters: counters.filter((slot) => ids.includes(slot.id)) } : {}),
    };
    tx.effects.notify(CHANNELS.slots, notice);
  }
}

/**
 * The NOTIFY of a seat change made in the same statement, as a select-list call: its counters are only
 * known there, from `counters` (the jsonb that `take_seats` answers).
 */
export function slotsNoticeCall(
  tx: TxContext,
  serviceId: number,
  slotIds: number[],
  reason: SlotChangeReason,
  counters: Fragment,
): Fragment {
  const notice: SlotsNotice = { serviceId, slotIds, reason, at: tx.clock.now().toISOString() };
  return slotsNotice(CHANNELS.slots, JSON.stringify(notice), counters);
}

/** Announces a changed booking when the caller's transaction commits. */
export function announceBooking(tx: TxContext, bookingId: number): void {
  const notice: BookingNotice = { bookingId, at: tx.clock.now().toISOString() };
  tx.effects.notify(CHANNELS.bookings, notice);
}

/** Announces a changed proposal when the caller's transaction commits. */
export function announceProposal(tx: TxContext, notice: Omit<ProposalNotice, 'at'>): void {
  tx.effects.notify(CHANNELS.proposals, { ...notice, at: tx.clock.now().toISOString() });
}
