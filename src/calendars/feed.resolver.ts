import { Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../core/context';
import type { CalendarFeedService } from './feed.service';

@Resolver()
export class CalendarFeedResolver {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Authorized()
  @Query(() => String, {
    description:
      "The caller's secret ICS feed URL (PUBLIC_URL/calendars/<token>.ics), made on first use: a provider's bookings, or a customer's own, from 30 days ago to 365 days ahead, cancelled ones marked STATUS:CANCELLED. Subscribe to it by URL in Google Calendar, Outlook or Apple Calendar; it needs no sign-in, so keep it secret.",
  })
  calendarFeedUrl(@Ctx() ctx: RequestContext): Promise<string> {
    return this.feeds.feedUrl(ctx);
  }

  @Authorized()
  @Mutation(() => String, {
    description:
      "Replaces the caller's ICS feed URL with a new secret one and answers it; the old URL answers 404 from then on.",
  })
  rotateCalendarFeed(@Ctx() ctx: RequestContext): Promise<string> {
    return this.feeds.rotate(ctx);
  }
}
