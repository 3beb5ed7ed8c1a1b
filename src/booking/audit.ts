import type { TxContext } from '../core/context';
import type { BookingChanged } from './booking-events';

/** Listener: the audit entry of every booking change (who, before, after, why, from where), written with the change. */
export function auditTrail(tx: TxContext, change: BookingChanged): void {
  tx.effects.audit({
    bookingId: change.booking.id,
    action: change.action,
    actorId: tx.actor?.userId ?? null,
    before: change.before,
    after: change.after,
    reason: change.reason,
    ip: tx.ip?.slice(0, 64) ?? null,
    userAgent: tx.userAgent?.slice(0, 500) ?? null,
    at: tx.clock.now(),
  });
}
