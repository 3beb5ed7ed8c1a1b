import { seatsAvailableSql } from '../src/scheduling/slot.entity';

/**
 * Our server's day totals of a month (src/scheduling/slot-reads.ts DAY_TOTALS, which is not exported and
 * src/ is not the bench's to change), with $1 the service and [$2, $3] the dates, at now(): the statement
 * both read anchors send.
 */
export const DAY_TOTALS_SQL = `select s.local_date::text as local_date, count(*)::int as slots, sum(s.capacity)::int as capacity,
    sum(${seatsAvailableSql('s', 'now()')})::int as seats_available
  from slot s where s.service_id = $1 and s.local_date between $2::date and $3::date and s.status = 'OPEN'
  group by s.local_date`;
