import type { ProposalMailKind } from '../notifications/proposal-mail';

/** ProposalChanged: a proposal was made, answered, withdrawn or expired. */
export interface ProposalChanged {
  proposalId: number;
  customerId: number;
  providerUserId: number;
  kind: ProposalMailKind;
}
