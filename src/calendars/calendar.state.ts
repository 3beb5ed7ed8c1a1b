import { StateTable } from '../core/state-table';
import { CalendarConnectionStatus } from './calendar.enums';

const { ACTIVE, NEEDS_REAUTH, DISCONNECTED } = CalendarConnectionStatus;

/** Google or Microsoft takes a grant away (server); the provider connects the account again or disconnects it (user). */
export const CALENDAR_CONNECTION_STATES = new StateTable<CalendarConnectionStatus>('calendar connection', {
  [ACTIVE]: { [NEEDS_REAUTH]: ['server'], [DISCONNECTED]: ['user'], [ACTIVE]: ['user'] },
  [NEEDS_REAUTH]: { [ACTIVE]: ['user'], [DISCONNECTED]: ['user'] },
  [DISCONNECTED]: { [ACTIVE]: ['user'] },
});
