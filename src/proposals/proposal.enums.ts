import { registerEnumType } from 'type-graphql';

export enum ProposalStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  WITHDRAWN = 'WITHDRAWN',
  EXPIRED = 'EXPIRED',
  /** The provider offered other slots (`counterSlots`); the customer accepts them, withdraws, or it expires. */
  COUNTERED = 'COUNTERED',
}
registerEnumType(ProposalStatus, {
  name: 'ProposalStatus',
  description: 'Where a proposal is.',
  valuesConfig: {
    PENDING: { description: 'Waiting for the provider.' },
    ACCEPTED: { description: 'Accepted: a booking was made.' },
    DECLINED: { description: 'The provider declined.' },
    WITHDRAWN: { description: 'The customer withdrew it.' },
    EXPIRED: { description: 'Nobody answered in time.' },
    COUNTERED: { description: 'The provider offered other slots (counterSlots); waiting for the customer.' },
  },
});
