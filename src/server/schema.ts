import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, getMetadataStorage, type ContainerType, type NonEmptyArray, type PubSub } from 'type-graphql';
import { AccountResolver } from '../accounts/account.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { BookingAnswersResolver } from '../booking/answers';
import { AuditEntryResolver, BookingResolver } from '../booking/booking.resolver';
import { PriceLineResolver } from '../booking/terms.types';
import { BookingSeriesResolver, SeriesResolver } from '../booking/series.resolver';
import { CalendarFeedResolver } from '../calendars/feed.resolver';
import { ProviderResolver, ServiceResolver } from '../catalog/catalog.resolver';
import { refuseControlCharacters } from '../graphql/argument-guard';
import { DateTimeScalar } from '../graphql/scalars';
import { LiveResolver } from '../live/live.resolver';
import { MessageResolver } from '../notifications/message.resolver';
import { PaymentDiscrepancyResolver, PaymentResolver, RefundResolver } from '../payments/payment.resolver';
import { ImageResolver, ProviderAvatarResolver, ServiceImagesResolver } from '../images/image.resolver';
import { ProposalResolver } from '../proposals/proposal.resolver';
import { PromoCodeResolver } from '../promotions/promo.resolver';
import { ProviderReviewsResolver, ReviewResolver, ServiceReviewsResolver } from '../reviews/review.resolver';
import { WaitlistResolver } from '../waitlist/waitlist.resolver';
import { WebhookDeliveryResolver, WebhookResolver } from '../webhooks/webhook.resolver';
import {
  BlackoutResolver,
  ScheduleResolver,
  ServiceCalendarResolver,
  SlotResolver,
} from '../scheduling/scheduling.resolver';
import { BookingCalendarResolver, CalendarResolver, CalendarSyncResolver } from '../calendars/calendar.resolver';
import { AvailabilityCheckResolver } from '../scheduling/availability-check.resolver';
import { SlotMinimumResolver } from '../scheduling/minimum-capacity';
import { GuestResolver } from '../guests/guest.resolver';
import type { Domain } from '../domain';
import { authChecker } from './auth-checker';
import { countAnswers } from './answer-budget';
import { enforceDeadlines } from './operation-deadline';

/** A resolver class: type-graphql makes none itself, the container below hands out the instances. */
type ResolverClass = abstract new (...args: never[]) => object;
type Factory = [resolver: ResolverClass, make: (domain: Domain) => object];

/** Every resolver class with how it is made from the domain services it calls. */
const RESOLVERS: Factory[] = [
  [AccountResolver, (d) => new AccountResolver(d.accounts, d.sessions)],
  [ServiceResolver, (d) => new ServiceResolver(d.catalog)],
  [ProviderResolver, (d) => new ProviderResolver(d.catalog)],
  [ServiceCalendarResolver, (d) => new ServiceCalendarResolver(d.scheduling)],
  [ScheduleResolver, (d) => new ScheduleResolver(d.scheduling)],
  [SlotResolver, (d) => new SlotResolver(d.scheduling, d.catalog)],
  [BlackoutResolver, (d) => new BlackoutResolver(d.blackouts)],
  [PromoCodeResolver, (d) => new PromoCodeResolver(d.promoCodes)],
  [SlotMinimumResolver, () => new SlotMinimumResolver()],
  [AvailabilityCheckResolver, (d) => new AvailabilityCheckResolver(d.availabilityChecks)],
  [BookingResolver, (d) => new BookingResolver(d.bookings, d.bookingQueries)],
  [AuditEntryResolver, () => new AuditEntryResolver()],
  [BookingAnswersResolver, () => new BookingAnswersResolver()],
  [SeriesResolver, (d) => new SeriesResolver(d.series)],
  [BookingSeriesResolver, () => new BookingSeriesResolver()],
  [AuditResolver, (d) => new AuditResolver(d.audits)],
  [LiveResolver, () => new LiveResolver()],
  [MessageResolver, (d) => new MessageResolver(d.notifications)],
  [PaymentResolver, () => new PaymentResolver()],
  [RefundResolver, () => new RefundResolver()],
  [PaymentDiscrepancyResolver, (d) => new PaymentDiscrepancyResolver(d.payments)],
  [PriceLineResolver, () => new PriceLineResolver()],
  [ProposalResolver, (d) => new ProposalResolver(d.proposals)],
  [WaitlistResolver, (d) => new WaitlistResolver(d.waitlist)],
  [WebhookResolver, (d) => new WebhookResolver(d.webhooks)],
  [WebhookDeliveryResolver, (d) => new WebhookDeliveryResolver(d.webhooks)],
  [CalendarFeedResolver, (d) => new CalendarFeedResolver(d.feeds)],
  [CalendarResolver, (d) => new CalendarResolver(d.calendars)],
  [CalendarSyncResolver, () => new CalendarSyncResolver()],
  [BookingCalendarResolver, (d) => new BookingCalendarResolver(d.calendars)],
  [ReviewResolver, (d) => new ReviewResolver(d.reviews)],
  [ServiceReviewsResolver, (d) => new ServiceReviewsResolver(d.reviews)],
  [ProviderReviewsResolver, (d) => new ProviderReviewsResolver(d.reviews)],
  [ImageResolver, (d) => new ImageResolver(d.images)],
  [ServiceImagesResolver, (d) => new ServiceImagesResolver(d.images)],
  [ProviderAvatarResolver, (d) => new ProviderAvatarResolver(d.images)],
  [GuestResolver, (d) => new GuestResolver(d.guests, d.manage)],
];

/**
 * type-graphql insists on a PubSub even when, as here, every subscription brings its own `subscribe`
 * (events come from PostgreSQL through the LiveHub); this one refuses to be used.
 */
const topicsAreNotUsed: PubSub = {
  publish: () => {
    throw new Error('Subscriptions are fed by PostgreSQL NOTIFY, not by topics');
  },
  subscribe: () => {
    throw new Error('Subscriptions are fed by PostgreSQL NOTIFY, not by topics');
  },
};

/** type-graphql gives the root types no description option. */
const ROOT_DESCRIPTIONS = {
  Query: 'Every read. A plain list states its bound in its description; a *Connection field pages through all rows.',
  Mutation:
    'Every change. Each mutation is one transaction: a failed one changes nothing. Errors carry extensions.code (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT with extensions.field, ...).',
  Subscription:
    'Live updates over WebSocket (graphql-transport-ws protocol) on /graphql; sign in with connectionParams { authorization: "Bearer <token>" }.',
};

/** The served schema. Without a domain it can only be printed (resolvers are made on first use). */
export function buildGraphQLSchema(domain?: Domain): GraphQLSchema {
  // Parameter decorators run last to first, so type-graphql would list arguments backwards (logIn(password, email)).
  const metadata = getMetadataStorage();
  metadata.params.sort((a, b) => a.index - b.index);
  // A field that only reads its property needs no resolver of type-graphql's (a middleware chain per
  // value); graphql-js reads it. Field resolvers, guarded and renamed fields keep theirs.
  const guarded = [...metadata.authorizedFields, ...metadata.middlewares];
  for (const field of metadata.fields) {
    if (
      field.schemaName === field.name &&
      !guarded.some((it) => it.target === field.target && it.fieldName === field.name)
    )
      field.simple = true;
  }
  const instances = new Map(domain ? RESOLVERS.map(([resolver, make]) => [resolver, make(domain)]) : []);
  const container: ContainerType = { get: (resolver) => instances.get(resolver as ResolverClass) };
  const schema = buildSchemaSync({
    resolvers: RESOLVERS.map(([resolver]) => resolver) as NonEmptyArray<ResolverClass>,
    container,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    pubSub: topicsAreNotUsed,
  });
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return countAnswers(enforceDeadlines(refuseControlCharacters(schema)));
}

export function schemaText(): string {
  return `${printSchema(buildGraphQLSchema())}\n`;
}
