import { Arg, Args, Authorized, Ctx, FieldResolver, Float, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { Booking } from '../booking/booking.entity';
import { Service } from '../catalog/service.entity';
import { connectionType, PageArgs, type Page } from '../graphql/connection';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS, pageCost } from '../graphql/limits';
import { Review } from './review.entity';
import type { ReviewService } from './review.service';

const ReviewConnection = connectionType(Review, 'Review');

@Resolver(() => Review)
export class ReviewResolver {
  constructor(private readonly reviewService: ReviewService) {}

  @Authorized()
  @Mutation(() => Review, { description: 'Reviews a COMPLETED booking of the caller, once per booking.' })
  createReview(
    @Ctx() ctx: RequestContext,
    @Arg('bookingId', () => ID, { description: 'A COMPLETED booking of the caller that has no review yet.' })
    bookingId: string,
    @Arg('rating', () => Int, { description: 'From 1 (poor) to 5 (excellent).' }) rating: number,
    @Arg('comment', () => String, { nullable: true, description: 'Up to 2,000 characters.' }) comment?: string | null,
  ): Promise<Review> {
    return this.reviewService.create(ctx, bookingId, rating, comment);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => Review, { description: "The provider's one reply to a review of its service; a second is refused." })
  replyToReview(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The review.' }) id: string,
    @Arg('reply', () => String, { description: 'Up to 2,000 characters.' }) reply: string,
  ): Promise<Review> {
    return this.reviewService.reply(ctx, id, reply);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Hides a review (admins): it leaves every list and no longer counts in ratings.',
  })
  hideReview(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The review.' }) id: string,
  ): Promise<boolean> {
    return this.reviewService.hide(ctx, id);
  }

  @FieldResolver(() => Service, { description: 'The reviewed service.' })
  service(@Root() review: Review): Promise<Service> {
    return review.service.loadOrFail();
  }

  @FieldResolver(() => String, { description: "The author's display name (never the account or its email)." })
  authorName(@Root() review: Review): Promise<string> {
    return this.reviewService.authorName(review);
  }

  @FieldResolver(() => Booking, {
    nullable: true,
    description: "The reviewed booking: for its customer, its service's provider and admins; null for anyone else.",
  })
  booking(@Ctx() ctx: RequestContext, @Root() review: Review): Promise<Booking | null> {
    return this.reviewService.bookingOf(ctx, review);
  }
}

@Resolver(() => Service)
export class ServiceReviewsResolver {
  constructor(private readonly reviewService: ReviewService) {}

  @FieldResolver(() => [Review], {
    description: `The service's visible reviews, newest first; at most ${MAX_ROWS.reviews}, the rest cut off silently (reviewsConnection reads them all).`,
    deprecationReason: 'use reviewsConnection',
    complexity: listCost(5, MAX_ROWS.reviews),
  })
  reviews(@Ctx() ctx: RequestContext, @Root() service: Service): Promise<Review[]> {
    return this.reviewService.latest(ctx, 'service', service);
  }

  @FieldResolver(() => ReviewConnection, {
    description: "The service's visible reviews, newest first, a page at a time.",
    complexity: pageCost(5),
  })
  reviewsConnection(
    @Ctx() ctx: RequestContext,
    @Root() service: Service,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<Page<Review>> {
    return this.reviewService.page(ctx, 'service', service, page);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'The mean rating of the visible reviews; null with none.',
  })
  async rating(@Ctx() ctx: RequestContext, @Root() service: Service): Promise<number | null> {
    return (await this.reviewService.summary(ctx, 'service', service)).rating;
  }

  @FieldResolver(() => Int, { description: 'How many visible reviews the service has.' })
  async reviewCount(@Ctx() ctx: RequestContext, @Root() service: Service): Promise<number> {
    return (await this.reviewService.summary(ctx, 'service', service)).count;
  }
}

@Resolver(() => Provider)
export class ProviderReviewsResolver {
  constructor(private readonly reviewService: ReviewService) {}

  @FieldResolver(() => [Review], {
    description: `The visible reviews of all the provider's services, newest first; at most ${MAX_ROWS.reviews}, the rest cut off silently (reviewsConnection reads them all).`,
    deprecationReason: 'use reviewsConnection',
    complexity: listCost(5, MAX_ROWS.reviews),
  })
  reviews(@Ctx() ctx: RequestContext, @Root() provider: Provider): Promise<Review[]> {
    return this.reviewService.latest(ctx, 'provider', provider);
  }

  @FieldResolver(() => ReviewConnection, {
    description: "The visible reviews of all the provider's services, newest first, a page at a time.",
    complexity: pageCost(5),
  })
  reviewsConnection(
    @Ctx() ctx: RequestContext,
    @Root() provider: Provider,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<Page<Review>> {
    return this.reviewService.page(ctx, 'provider', provider, page);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: "The mean rating of the visible reviews of the provider's services; null with none.",
  })
  async rating(@Ctx() ctx: RequestContext, @Root() provider: Provider): Promise<number | null> {
    return (await this.reviewService.summary(ctx, 'provider', provider)).rating;
  }

  @FieldResolver(() => Int, { description: "How many visible reviews the provider's services have." })
  async reviewCount(@Ctx() ctx: RequestContext, @Root() provider: Provider): Promise<number> {
    return (await this.reviewService.summary(ctx, 'provider', provider)).count;
  }
}
