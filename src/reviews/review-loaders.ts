import type { EntityManager } from '@mikro-orm/postgresql';
import { MAX_ROWS } from '../core/limits';
import { requestLoader } from '../core/request-loaders';
import { Review } from './review.entity';

/** Whose reviews: a service's, or a provider's across its services. */
export type ReviewOwner = 'service' | 'provider';

/** The mean rating of the visible reviews (null with none) and how many there are. */
export interface RatingSummary {
  rating: number | null;
  count: number;
}

/** A PostgreSQL array literal of ids (knex would spread a JS array into a list of parameters). */
const intArray = (ids: readonly number[]) => `{${ids.join(',')}}`;

const COLUMN: Record<ReviewOwner, 'service_id' | 'provider_id'> = { service: 'service_id', provider: 'provider_id' };

/** The rating summary of a service or provider, read in one aggregate with every other asked for in the same tick. */
export function ratingSummary(em: EntityManager, owner: ReviewOwner, id: number): Promise<RatingSummary> {
  const column = COLUMN[owner];
  return requestLoader<number, RatingSummary>(em, `review-summary:${owner}`, async (ids) => {
    const rows = await em
      .getConnection()
      .execute<{ owner: number; rating: number; count: number }[]>(
        `select ${column} as owner, avg(rating)::float8 as rating, count(*)::int as count from review where status = 'VISIBLE' and ${column} = any(?::int[]) group by ${column}`,
        [intArray(ids)],
      );
    const byOwner = new Map(rows.map((row) => [row.owner, { rating: row.rating, count: row.count }]));
    return ids.map((key) => byOwner.get(key) ?? { rating: null, count: 0 });
  }).load(id);
}

/** The newest visible reviews of a service or provider, read likewise in one statement. */
export function latestReviews(em: EntityManager, owner: ReviewOwner, id: number): Promise<Review[]> {
  const column = COLUMN[owner];
  return requestLoader<number, Review[]>(em, `review-latest:${owner}`, async (ids) => {
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(
      `select r.* from review r join (select id, row_number() over (partition by ${column} order by created_at desc, id desc) as position
        from review where status = 'VISIBLE' and ${column} = any(?::int[])) ranked on ranked.id = r.id
        where ranked.position <= ? order by r.created_at desc, r.id desc`,
      [intArray(ids), MAX_ROWS.reviews],
    );
    const reviews = rows.map((row) => em.map(Review, row));
    return ids.map((key) =>
      reviews.filter((review) => (owner === 'service' ? review.service.id : review.provider.id) === key),
    );
  }).load(id);
}
