import { LockMode, type FilterQuery } from '@mikro-orm/core';
import { actingProvider, requireActor } from '../accounts/ownership';
import type { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { lockBookingWhere } from '../booking/booking-locks';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import type { Service } from '../catalog/service.entity';
import { paginate, type Page, type PageArgs } from '../graphql/connection';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { intInRange, optionalText, text } from '../core/validate';
import type { Events } from '../events';
import { latestReviews, ratingSummary, type RatingSummary, type ReviewOwner } from './review-loaders';
import { Review } from './review.entity';
import { ReviewStatus } from './review.enums';
import { REVIEW_STATES } from './review.state';

export const MAX_REVIEW_TEXT = 2_000;

/** Reviews of completed bookings: written once by the customer, answered once by the provider, hidden by an admin. */
export class ReviewService {
  constructor(private readonly events: Events) {}

  /**
   * The customer's review of a COMPLETED booking. The booking row is locked first, so that two requests at
   * once are judged one after the other: the second finds the first's review (and the database's unique key
   * stands behind that).
   */
  async create(ctx: RequestContext, bookingId: string, rating: number, comment?: string | null): Promise<Review> {
    const actor = requireActor(ctx);
    const id = parseId('bookingId', bookingId);
    const stars = intInRange('rating', rating, 1, 5);
    const words = optionalText('comment', comment, MAX_REVIEW_TEXT);
    return inTransaction(ctx, async (tx) => {
      const booking = await lockBookingWhere(tx, { id });
      if (!booking || booking.customer.id !== actor.userId)
        throw new BadInput('bookingId', 'is not a booking of yours');
      if (booking.status !== BookingStatus.COMPLETED)
        throw new BadInput('bookingId', `can be reviewed once the booking is COMPLETED; it is ${booking.status}`);
      if ((await tx.em.count(Review, { booking: booking.id })) > 0)
        throw new BadInput('bookingId', 'already has a review: a booking takes one');
      const service = booking.service.getEntity();
      const review = tx.em.create(Review, {
        booking,
        service,
        provider: service.provider,
        author: tx.em.getReference(User, actor.userId),
        rating: stars,
        comment: words,
        createdAt: tx.clock.now(),
      });
      await tx.em.flush();
      await this.events.publish(tx, 'reviewCreated', {
        reviewId: review.id,
        bookingId: booking.id,
        serviceId: service.id,
        providerId: service.provider.id,
        authorId: actor.userId,
        rating: stars,
        comment: words,
      });
      return review;
    });
  }

  /** The provider's one reply to a review of its service. */
  async reply(ctx: RequestContext, id: string, reply: string): Promise<Review> {
    const reviewId = parseId('id', id);
    const words = text('reply', reply, MAX_REVIEW_TEXT);
    return inTransaction(ctx, async (tx) => {
      const provider = await actingProvider(tx);
      const review = await this.lock(tx, reviewId);
      if (review.provider.id !== provider.id) throw new Forbidden("This review is of another provider's service");
      if (review.reply != null) throw new BadInput('id', 'this review already has a reply: a review takes one');
      review.reply = words;
      review.repliedAt = tx.clock.now();
      return review;
    });
  }

  /** An admin hides a review: it leaves every list and rating. */
  async hide(ctx: RequestContext, id: string): Promise<boolean> {
    const actor = requireActor(ctx);
    const reviewId = parseId('id', id);
    return inTransaction(ctx, async (tx) => {
      const review = await this.lock(tx, reviewId);
      REVIEW_STATES.assertMove(review.status, ReviewStatus.HIDDEN, 'user');
      review.status = ReviewStatus.HIDDEN;
      review.hiddenAt = tx.clock.now();
      review.hiddenBy = tx.em.getReference(User, actor.userId, { wrapped: true });
      return true;
    });
  }

  private async lock(ctx: RequestContext, id: number): Promise<Review> {
    const review = await ctx.em.findOne(Review, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!review) throw new NotFound('Review', id);
    return review;
  }

  /** Rating and count of the visible reviews of a service or a provider (batched per request). */
  summary(ctx: RequestContext, owner: ReviewOwner, of: Service | Provider): Promise<RatingSummary> {
    return ratingSummary(ctx.em, owner, of.id);
  }

  /** The newest visible reviews of a service or a provider (batched per request). */
  latest(ctx: RequestContext, owner: ReviewOwner, of: Service | Provider): Promise<Review[]> {
    return latestReviews(ctx.em, owner, of.id);
  }

  /** A page of the visible reviews of a service or a provider, newest first. */
  page(ctx: RequestContext, owner: ReviewOwner, of: Service | Provider, page: PageArgs): Promise<Page<Review>> {
    return paginate(
      ctx.em,
      Review,
      { [owner]: of.id, status: ReviewStatus.VISIBLE } as FilterQuery<Review>,
      { createdAt: 'desc', id: 'desc' },
      page,
    );
  }

  /** The reviewed booking, for its customer (the author), its provider and admins; null for anyone else. */
  async bookingOf(ctx: RequestContext, review: Review): Promise<Booking | null> {
    const actor = ctx.actor;
    if (!actor) return null;
    const participant =
      actor.role === Role.ADMIN ||
      review.author.id === actor.userId ||
      (await review.provider.loadOrFail()).user.id === actor.userId;
    return participant ? review.booking.loadOrFail() : null;
  }

  /** The author's display name: never the account or its email. */
  async authorName(review: Review): Promise<string> {
    return (await review.author.loadOrFail()).name;
  }
}
