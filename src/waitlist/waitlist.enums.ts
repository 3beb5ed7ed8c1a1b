import { registerEnumType } from 'type-graphql';

export enum WaitlistStatus {
  ACTIVE = 'ACTIVE',
  OFFERED = 'OFFERED',
  CONVERTED = 'CONVERTED',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(WaitlistStatus, { name: 'WaitlistStatus' });
