import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../core/context';
import type { Payment } from '../payments/payment.entity';
import { Booking } from './booking.entity';

/**
 * The booking with its slots, locked for the rest of the transaction so that changes to it happen one at a
 * time. Every use case that changes a booking locks it first, then its slots (in id order), then waitlist
 * entries: one lock order.
 */
export async function lockBookingWhere(tx: RequestContext, where: { id: number } | { payment: Payment | number }): Promise<Booking | null> {
  const booking = await tx.em.findOne(Booking, where, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (booking) await booking.slots.init({ populate: ['slot'] });
  return booking;
}
