import { AuditSubject } from '../core/audit';
import type { Statement } from '../core/sql';

/** Where each subject's service and customer are read from, to judge who may read its trail. */
const OWNERS: Record<AuditSubject, string> = {
  [AuditSubject.BOOKING]:
    'select b.customer_id, v.provider_id from booking b join service v on v.id = b.service_id where b.id = ?',
  [AuditSubject.PROPOSAL]:
    'select p.customer_id, v.provider_id from proposal p join service v on v.id = p.service_id where p.id = ?',
  [AuditSubject.WAITLIST_ENTRY]:
    'select w.customer_id, v.provider_id from waitlist_entry w join service v on v.id = w.service_id where w.id = ?',
  [AuditSubject.SERVICE]: 'select null as customer_id, v.provider_id from service v where v.id = ?',
  [AuditSubject.SCHEDULE]:
    'select null as customer_id, v.provider_id from schedule s join service v on v.id = s.service_id where s.id = ?',
  [AuditSubject.SLOT]:
    'select null as customer_id, v.provider_id from slot s join service v on v.id = s.service_id where s.id = ?',
  [AuditSubject.PROMO_CODE]: 'select null as customer_id, p.provider_id from promo_code p where p.id = ?',
};

/** The customer (if the subject has one) and the provider an audited subject belongs to. */
export const subjectOwner = (
  subject: AuditSubject,
  id: number,
): Statement<{ customer_id: number | null; provider_id: number }> => ({ sql: OWNERS[subject], params: [id] });

/** The account of a provider. */
export const providerAccount = (providerId: number): Statement<{ user_id: number }> => ({
  sql: 'select user_id from provider where id = ?',
  params: [providerId],
});
