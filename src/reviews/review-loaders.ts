import type { EntityManager } from '@mikro-orm/postgresql';
import { MAX_ROWS } from '../graphql/limits';
import { requestLoader } from '../core/request-loaders';
import { run } from '../core/sql';
import { Review } from './review.entity';
import { type OwnerColumn, latestReviews as latestReviewsOf, ratingSummaries } from './review.sql';

/** Whose reviews: a service's, or a provider's across its services. */
export type ReviewOwner = 'service' | 'provider';

/** The mean rating of the visible reviews (null with none) and how many there are. */
export interface RatingSummary {
  rating: number | null;
  count: number;
}

const COLUMN: Record<ReviewOwner, OwnerColumn> = { service: 'service_id', provider: 'provider_id' };

/** The rating summary of a service or provider, read in one aggregate with every other asked for in the same tick. */
export function ratingSummary(em: EntityManager, owner: ReviewOwner, id: number): Promise<RatingSummary> {
  const column = COLUMN[owner];
  return requestLoader<number, RatingSummary>(em, `review-summary:${owner}`, async (ids) => {
    const rows = await run(em.getConnection(), ratingSummaries(column, ids));
    const byOwner = new Map(rows.map((row) => [row.owner, { rating: row.rating, count: row.count }]));
    return ids.map((key) => byOwner.get(key) ?? { rating: null, count: 0 });
  }).load(id);
}

/** The newest visible reviews of a service or provider, read likewise in one statement. */
export function latestReviews(em: EntityManager, owner: ReviewOwner, id: number): Promise<Review[]> {
  const column = COLUMN[owner];
  return requestLoader<number, Review[]>(em, `review-latest:${owner}`, async (ids) => {
    const rows = await run(em.getConnection(), latestReviewsOf(column, ids, MAX_ROWS.reviews));
    const reviews = rows.map((row) => em.map(Review, row));
    return ids.map((key) =>
      reviews.filter((review) => (owner === 'service' ? review.service.id : review.provider.id) === key),
    );
  }).load(id);
}
