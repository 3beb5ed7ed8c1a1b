import { managesUserOf, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import { AuditEntry } from '../booking/audit-entry.entity';
import type { AuditSubject } from '../core/audit';
import type { RequestContext } from '../core/context';
import { Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import { run } from '../core/sql';
import { providerAccount, subjectOwner } from './audit.sql';

/** Audit trails: every recorded change of one booking, proposal, waitlist entry, service, schedule or slot. */
export class AuditService {
  /**
   * The trail of one subject, oldest first: to admins, to the provider it belongs to, and to the customer
   * of a booking, proposal or waitlist entry; FORBIDDEN to anyone else, NOT_FOUND when there is no such subject.
   */
  async trail(ctx: RequestContext, subject: AuditSubject, id: string): Promise<AuditEntry[]> {
    const actor = requireActor(ctx);
    const subjectId = parseId('id', id);
    const [owner] = await run(ctx.em, subjectOwner(subject, subjectId));
    if (!owner) throw new NotFound(subject, id);
    if (actor.role !== Role.ADMIN && owner.customer_id !== actor.userId) {
      const [provider] = await run(ctx.em, providerAccount(owner.provider_id));
      if (!managesUserOf(ctx, provider?.user_id)) throw new Forbidden('This audit trail belongs to someone else');
    }
    return ctx.em.find(AuditEntry, { subject, subjectId }, { orderBy: { id: 'asc' }, limit: MAX_ROWS.auditEntries });
  }
}
