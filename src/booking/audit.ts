import type { RequestContext } from '../core/context';
import { User } from '../accounts/user.entity';
import { announceBooking } from '../live/live-events';
import { AuditEntry } from './audit-entry.entity';
import type { Booking } from './booking.entity';

/** What an audit entry keeps of a booking before and after a change. */
export function snapshot(booking: Booking): object {
  return {
    status: booking.status,
    slotIds: booking.slots.getItems().map((entry) => String(entry.slot.id)),
    party: { adults: booking.adults, children: booking.children, infants: booking.infants },
    total: booking.total,
    currency: booking.currency,
    ...(booking.refundedAmount ? { refundedAmount: booking.refundedAmount } : {}),
  };
}

/** Writes the audit entry of one change and announces the booking to live subscribers, in the transaction that makes it. */
export async function recordChange(tx: RequestContext, booking: Booking, action: string, before: object | null, reason?: string | null): Promise<void> {
  tx.em.create(AuditEntry, {
    booking,
    action,
    actor: tx.actor ? tx.em.getReference(User, tx.actor.userId) : null,
    before,
    after: snapshot(booking),
    reason: reason ?? null,
    ip: tx.ip?.slice(0, 64) ?? null,
    userAgent: tx.userAgent?.slice(0, 500) ?? null,
  });
  await announceBooking(tx.em, booking.id, tx.clock.now());
}
