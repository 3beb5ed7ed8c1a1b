import type { ProposalMailKind } from '../notifications/proposal-mail';
import type { ProposalStatus } from './proposal.enums';

/** ProposalChanged: a proposal was made, countered, answered, withdrawn or expired. */
export interface ProposalChanged {
  proposalId: number;
  status: ProposalStatus;
  serviceId: number;
  customerId: number;
  providerUserId: number;
  kind: ProposalMailKind;
}
