import { AuditSubject, recordAudit } from '../core/audit';
import type { TxContext } from '../core/context';
import type { BookingChanged } from './booking-events';

/** Listener: the audit entry of every booking change (who, before, after, why, from where), written with the change. */
export function auditTrail(tx: TxContext, change: BookingChanged): void {
  recordAudit(tx, {
    subject: AuditSubject.BOOKING,
    subjectId: change.booking.id,
    action: change.action,
    before: change.before,
    after: change.after,
    reason: change.reason,
  });
}
