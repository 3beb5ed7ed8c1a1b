import type { Statement } from '../core/sql';
import type { Blackout } from './blackout.entity';
import { blackoutCoversSql, SLOT_SPAN_DAYS } from './slot.sql';

/**
 * The slots a blackout covers, active or not, by id: blackoutCoversSql over the blackout's values, so that
 * it reads the same before and after the row changes.
 */
export const slotsCoveredBy = (blackout: Blackout): Statement<{ id: number; service_id: number }> => ({
  sql: `select s.id, s.service_id
    from (select ?::date as starts_on, ?::date as ends_on, ?::boolean as all_day, ?::time as start_time, ?::time as end_time,
                 ?::int as provider_id, ?::int as service_id) b
    join service v on (b.provider_id is null or v.provider_id = b.provider_id) and (b.service_id is null or v.id = b.service_id)
    join slot s on s.service_id = v.id and s.local_date between b.starts_on - ${SLOT_SPAN_DAYS} and b.ends_on
    where ${blackoutCoversSql('b', 's', 'v')}
    order by s.id`,
  params: [
    blackout.startsOn,
    blackout.endsOn,
    blackout.allDay,
    blackout.startTime ?? null,
    blackout.endTime ?? null,
    blackout.provider?.id ?? null,
    blackout.service?.id ?? null,
  ],
});
