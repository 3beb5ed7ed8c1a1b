import { registerEnumType } from 'type-graphql';
import type { TxContext } from './context';

/** What an audit entry is about. */
export enum AuditSubject {
  BOOKING = 'booking',
  PROPOSAL = 'proposal',
  WAITLIST_ENTRY = 'waitlist_entry',
  SERVICE = 'service',
  SCHEDULE = 'schedule',
  SLOT = 'slot',
  PROMO_CODE = 'promo_code',
}
registerEnumType(AuditSubject, {
  name: 'AuditSubject',
  description: 'What an audit entry is about.',
  valuesConfig: {
    BOOKING: { description: 'A booking (its reviews too).' },
    PROPOSAL: { description: 'A booking proposal.' },
    WAITLIST_ENTRY: { description: 'A waitlist entry.' },
    SERVICE: { description: 'A service.' },
    SCHEDULE: { description: 'A schedule (the slots it generates are counted on it).' },
    SLOT: { description: 'A slot.' },
    PROMO_CODE: { description: 'A promo code.' },
  },
});

/**
 * RecordChanged: published inside the transaction of a change to a service, a schedule, a slot, a promo
 * code or a waitlist entry (bookings and proposals have events of their own), for its audit trail. `action` names
 * what happened (`service.updated`, `slot.closed`, `waitlist_entry.offered`, ...).
 */
export interface RecordChanged {
  subject: Exclude<AuditSubject, AuditSubject.BOOKING | AuditSubject.PROPOSAL>;
  id: number;
  action: string;
  before: object | null;
  after: object;
  reason: string | null;
}

/** An audit row (the `audit_entry` table): what changed, who (the actor), before, after, why, from where. */
export interface AuditRow {
  subject: AuditSubject;
  subjectId: number;
  action: string;
  actorId: number | null;
  before: object | null;
  after: object;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  at: Date;
}

/** Appends an audit entry to the transaction: who (the actor), from where, when, and the given what and why. */
export function recordAudit(
  tx: TxContext,
  entry: Pick<AuditRow, 'subject' | 'subjectId' | 'action' | 'before' | 'after' | 'reason'>,
): void {
  tx.effects.audit({
    ...entry,
    actorId: tx.actor?.userId ?? null,
    ip: tx.ip?.slice(0, 64) ?? null,
    userAgent: tx.userAgent?.slice(0, 500) ?? null,
    at: tx.clock.now(),
  });
}

/** Listener of recordChanged: its audit entry. */
export function auditRecord(tx: TxContext, change: RecordChanged): void {
  recordAudit(tx, {
    subject: change.subject,
    subjectId: change.id,
    action: change.action,
    before: change.before,
    after: change.after,
    reason: change.reason,
  });
}
