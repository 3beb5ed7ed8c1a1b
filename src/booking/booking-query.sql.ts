import { pgArray, type Statement } from '../core/sql';

/** The newest `limit` audit entries of each of these bookings, oldest first, in one statement. */
export const latestBookingHistories = (
  bookingIds: readonly number[],
  limit: number,
): Statement<Record<string, unknown>> => ({
  sql: `select a.* from audit_entry a join (select id, row_number() over (partition by booking_id order by id desc) as position
    from audit_entry where booking_id = any(?::int[])) ranked on ranked.id = a.id where ranked.position <= ? order by a.id`,
  params: [pgArray(bookingIds), limit],
});
