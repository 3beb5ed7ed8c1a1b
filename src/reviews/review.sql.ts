import { pgArray, type Statement } from '../core/sql';

/** The column that names a review's owner: its service, or its provider across its services. */
export type OwnerColumn = 'service_id' | 'provider_id';

/** The mean rating of the visible reviews of each owner and how many there are, in one aggregate. */
export const ratingSummaries = (
  column: OwnerColumn,
  ids: readonly number[],
): Statement<{ owner: number; rating: number; count: number }> => ({
  sql: `select ${column} as owner, avg(rating)::float8 as rating, count(*)::int as count from review
    where status = 'VISIBLE' and ${column} = any(?::int[]) group by ${column}`,
  params: [pgArray(ids)],
});

/** The newest `limit` visible reviews of each owner, in one statement. */
export const latestReviews = (
  column: OwnerColumn,
  ids: readonly number[],
  limit: number,
): Statement<Record<string, unknown>> => ({
  sql: `select r.* from review r join (select id, row_number() over (partition by ${column} order by created_at desc, id desc) as position
    from review where status = 'VISIBLE' and ${column} = any(?::int[])) ranked on ranked.id = r.id
    where ranked.position <= ? order by r.created_at desc, r.id desc`,
  params: [pgArray(ids), limit],
});
