import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { AuditEntry } from '../booking/audit-entry.entity';
import { AuditSubject } from '../core/audit';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS } from '../graphql/limits';
import type { AuditService } from './audit.service';

@Resolver()
export class AuditResolver {
  constructor(private readonly audits: AuditService) {}

  @Authorized()
  @Query(() => [AuditEntry], {
    description: `Every recorded change of one booking, proposal, waitlist entry, service, schedule or slot, oldest first (at most ${MAX_ROWS.auditEntries}): to admins, to the provider it belongs to, and to the customer of a booking, proposal or waitlist entry. Admins also read each entry's ip and userAgent.`,
    complexity: listCost(10, MAX_ROWS.auditEntries),
  })
  auditTrail(
    @Ctx() ctx: RequestContext,
    @Arg('subject', () => AuditSubject, { description: 'What kind of record.' }) subject: AuditSubject,
    @Arg('id', () => ID, { description: "The record's id." }) id: string,
  ): Promise<AuditEntry[]> {
    return this.audits.trail(ctx, subject, id);
  }
}
