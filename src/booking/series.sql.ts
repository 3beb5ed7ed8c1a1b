import type { Statement } from '../core/sql';

/** The live (CONFIRMED or PENDING_PAYMENT) occurrences of a series starting at or after `from`, in id order. */
export const liveOccurrencesFrom = (seriesId: number, from: Date): Statement<{ id: number }> => ({
  sql: `select id from booking where series_id = ? and starts_at >= ? and status in ('CONFIRMED', 'PENDING_PAYMENT') order by id`,
  params: [seriesId, from],
});
