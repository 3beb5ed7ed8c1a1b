import { StateTable } from '../core/state-table';
import { ProposalStatus } from './proposal.enums';

const { PENDING, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED } = ProposalStatus;

/** A proposal waits for the provider; the provider answers, the customer withdraws, or time ends it. */
export const PROPOSAL_STATES = new StateTable<ProposalStatus>('proposal', {
  [PENDING]: { [ACCEPTED]: ['user'], [DECLINED]: ['user'], [WITHDRAWN]: ['user'], [EXPIRED]: ['server'] },
  [ACCEPTED]: {},
  [DECLINED]: {},
  [WITHDRAWN]: {},
  [EXPIRED]: {},
});
