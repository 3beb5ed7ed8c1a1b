import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../core/context';
import type { Payment } from '../payments/payment.entity';
import { Booking } from './booking.entity';

/**
 * The booking with its slots, locked for the rest of the transaction so that changes to it happen one at a
 * time. Every use case that changes a booking locks it first, then its slots (in id order), then waitlist
 * entries: one lock order.
 */
export async function lockBookingWhere(
  tx: RequestContext,
  where: { id: number } | { payment: Payment | number },
): Promise<Booking | null> {
  // One query: the booking row locked (and only it), with what every change reads of it joined in.
  return tx.em.findOne(Booking, where, {
    lockMode: LockMode.PESSIMISTIC_WRITE,
    lockTableAliases: ['b0'],
    populate: ['slots', 'service.provider', 'payment'],
  });
}
