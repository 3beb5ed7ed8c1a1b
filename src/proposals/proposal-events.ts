import { AuditSubject, recordAudit } from '../core/audit';
import type { TxContext } from '../core/context';
import type { ProposalMailKind } from '../notifications/proposal-mail';
import type { Proposal } from './proposal.entity';
import type { ProposalStatus } from './proposal.enums';

/** ProposalChanged: a proposal was made, countered, answered, withdrawn or expired. */
export interface ProposalChanged {
  proposalId: number;
  status: ProposalStatus;
  serviceId: number;
  customerId: number;
  providerUserId: number;
  kind: ProposalMailKind;
  /** The proposal before the change (null when it was made) and after it, as proposalSnapshot reads them. */
  before: object | null;
  after: object;
  /** The reason or message given with the change (a refusal's reason, a counter-offer's message). */
  reason: string | null;
}

/** What an audit entry keeps of a proposal (its slots are loaded here). */
export async function proposalSnapshot(proposal: Proposal): Promise<object> {
  const ids = async (slots: Proposal['slots']) => (await slots.loadItems()).map((slot) => String(slot.id));
  return {
    status: proposal.status,
    slotIds: await ids(proposal.slots),
    counterSlotIds: await ids(proposal.counterSlots),
    party: { adults: proposal.adults, children: proposal.children, infants: proposal.infants },
    expiresAt: proposal.expiresAt.toISOString(),
    bookingId: proposal.booking ? String(proposal.booking.id) : null,
  };
}

/** Listener: the audit entry of every proposal change (`proposal.<kind>`). */
export function auditProposal(tx: TxContext, change: ProposalChanged): void {
  recordAudit(tx, {
    subject: AuditSubject.PROPOSAL,
    subjectId: change.proposalId,
    action: `proposal.${change.kind}`,
    before: change.before,
    after: change.after,
    reason: change.reason,
  });
}
