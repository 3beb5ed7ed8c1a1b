import type { Statement } from '../core/sql';
import { calendarBusySql } from '../scheduling/slot.sql';

/** The future slots of a provider that a busy time closes now, with their service. */
export const busySlotsOf = (providerId: number, now: Date): Statement<{ id: number; service_id: number }> => ({
  sql: `select s.id, s.service_id from slot s join service v on v.id = s.service_id
    where v.provider_id = ? and s.starts_at > ? and ${calendarBusySql('s', 'v')}`,
  params: [providerId, now],
});
