import type { AuditRow } from '../core/effects';
import type { TxContext } from '../core/context';
import type { BookingChanged } from './booking-events';

/** Appends an audit entry of a booking to the transaction: who (the actor), from where, when, and the given what and why. */
export function recordAudit(
  tx: TxContext,
  entry: Pick<AuditRow, 'bookingId' | 'action' | 'before' | 'after' | 'reason'>,
): void {
  tx.effects.audit({
    ...entry,
    actorId: tx.actor?.userId ?? null,
    ip: tx.ip?.slice(0, 64) ?? null,
    userAgent: tx.userAgent?.slice(0, 500) ?? null,
    at: tx.clock.now(),
  });
}

/** Listener: the audit entry of every booking change (who, before, after, why, from where), written with the change. */
export function auditTrail(tx: TxContext, change: BookingChanged): void {
  recordAudit(tx, {
    bookingId: change.booking.id,
    action: change.action,
    before: change.before,
    after: change.after,
    reason: change.reason,
  });
}
