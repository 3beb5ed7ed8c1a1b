import { StateTable } from '../core/state-table';
import { WaitlistStatus } from './waitlist.enums';

const { ACTIVE, OFFERED, CONVERTED, EXPIRED, CANCELLED } = WaitlistStatus;

/**
 * An entry waits (ACTIVE), is offered seats when they free up (the server's move),
 * and is claimed, left or let expire.
 */
export const WAITLIST_STATES = new StateTable<WaitlistStatus>('waitlist entry', {
  [ACTIVE]: { [OFFERED]: ['server'], [CANCELLED]: ['user'] },
  [OFFERED]: { [CONVERTED]: ['user'], [EXPIRED]: ['server'], [CANCELLED]: ['user'] },
  [CONVERTED]: {},
  [EXPIRED]: {},
  [CANCELLED]: {},
});
