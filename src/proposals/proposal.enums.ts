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
registerEnumType(ProposalStatus, { name: 'ProposalStatus' });
