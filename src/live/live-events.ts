import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';

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
registerEnumType(SlotChangeReason, { name: 'SlotChangeReason' });

/** PostgreSQL channels; NOTIFY inside a transaction is delivered only on commit, to every listening process. */
export const CHANNELS = { slots: 'live_slots', bookings: 'live_bookings', proposals: 'live_proposals' } as const;

/** What travels in a NOTIFY: ids only, far below PostgreSQL's 8,000-byte limit; listeners load the rest. */
export interface SlotsNotice {
  serviceId: number;
  slotIds: number[];
  reason: SlotChangeReason;
  at: string;
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

async function notify(em: EntityManager, channel: string, payload: object): Promise<void> {
  await em.execute('select pg_notify(?, ?)', [channel, JSON.stringify(payload)]);
}

/** Announces changed slots of one service, in the caller's transaction. */
export async function announceSlots(em: EntityManager, serviceId: number, slotIds: number[], reason: SlotChangeReason, at: Date): Promise<void> {
  for (let start = 0; start < slotIds.length; start += IDS_PER_NOTICE) {
    const notice: SlotsNotice = { serviceId, slotIds: slotIds.slice(start, start + IDS_PER_NOTICE), reason, at: at.toISOString() };
    await notify(em, CHANNELS.slots, notice);
  }
}

/** Announces a changed booking, in the caller's transaction. */
export async function announceBooking(em: EntityManager, bookingId: number, at: Date): Promise<void> {
  const notice: BookingNotice = { bookingId, at: at.toISOString() };
  await notify(em, CHANNELS.bookings, notice);
}

/** Announces a changed proposal, in the caller's transaction. */
export async function announceProposal(em: EntityManager, notice: ProposalNotice): Promise<void> {
  await notify(em, CHANNELS.proposals, notice);
}
