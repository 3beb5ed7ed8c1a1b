import type { Statement } from '../core/sql';

/** `count` new booking ids, taken from the booking sequence in one round trip. */
export const nextBookingIds = (count: number): Statement<{ id: number }> => ({
  sql: `select nextval(pg_get_serial_sequence('booking', 'id'))::int as id from generate_series(1, ?)`,
  params: [count],
});

/** The live (CONFIRMED or PENDING_PAYMENT) occurrences of a series starting at or after `from`, in id order. */
export const liveOccurrencesFrom = (seriesId: number, from: Date): Statement<{ id: number }> => ({
  sql: `select id from booking where series_id = ? and starts_at >= ? and status in ('CONFIRMED', 'PENDING_PAYMENT') order by id`,
  params: [seriesId, from],
});
