import { managesUserOf, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import { AuditEntry } from '../booking/audit-entry.entity';
import { AuditSubject } from '../core/audit';
import type { RequestContext } from '../core/context';
import { Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../core/limits';

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

/** Audit trails: every recorded change of one booking, proposal, waitlist entry, service, schedule or slot. */
export class AuditService {
  /**
   * The trail of one subject, oldest first: to admins, to the provider it belongs to, and to the customer
   * of a booking, proposal or waitlist entry; FORBIDDEN to anyone else, NOT_FOUND when there is no such subject.
   */
  async trail(ctx: RequestContext, subject: AuditSubject, id: string): Promise<AuditEntry[]> {
    const actor = requireActor(ctx);
    const subjectId = parseId('id', id);
    const [owner] = await ctx.em.execute<{ customer_id: number | null; provider_id: number }[]>(OWNERS[subject], [
      subjectId,
    ]);
    if (!owner) throw new NotFound(subject, id);
    if (actor.role !== Role.ADMIN && owner.customer_id !== actor.userId) {
      const [provider] = await ctx.em.execute<{ user_id: number }[]>('select user_id from provider where id = ?', [
        owner.provider_id,
      ]);
      if (!managesUserOf(ctx, provider?.user_id)) throw new Forbidden('This audit trail belongs to someone else');
    }
    return ctx.em.find(AuditEntry, { subject, subjectId }, { orderBy: { id: 'asc' }, limit: MAX_ROWS.auditEntries });
  }
}
