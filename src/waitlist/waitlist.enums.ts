import { registerEnumType } from 'type-graphql';

export enum WaitlistStatus {
  ACTIVE = 'ACTIVE',
  OFFERED = 'OFFERED',
  CONVERTED = 'CONVERTED',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(WaitlistStatus, {
  name: 'WaitlistStatus',
  description: 'Where a waitlist entry is.',
  valuesConfig: {
    ACTIVE: { description: 'Queued.' },
    OFFERED: { description: 'Seats are held for it until offerExpiresAt; `claimWaitlistOffer` books them.' },
    CONVERTED: { description: 'The offer was claimed: a booking was made.' },
    EXPIRED: { description: 'The offer was not claimed in time; the next entry was offered.' },
    CANCELLED: { description: 'The customer left, or the slot was cancelled.' },
  },
});
