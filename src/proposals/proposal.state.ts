import { StateTable } from '../core/state-table';
import { ProposalStatus } from './proposal.enums';

const { PENDING, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED, COUNTERED } = ProposalStatus;

/**
 * A proposal waits for the provider; the provider answers (or counters with other slots, which the customer
 * then accepts), the customer withdraws, or time ends it.
 */
export const PROPOSAL_STATES = new StateTable<ProposalStatus>('proposal', {
  [PENDING]: {
    [ACCEPTED]: ['user'],
    [DECLINED]: ['user'],
    [WITHDRAWN]: ['user'],
    [EXPIRED]: ['server'],
    [COUNTERED]: ['user'],
  },
  [COUNTERED]: { [ACCEPTED]: ['user'], [WITHDRAWN]: ['user'], [EXPIRED]: ['server'] },
  [ACCEPTED]: {},
  [DECLINED]: {},
  [WITHDRAWN]: {},
  [EXPIRED]: {},
});
