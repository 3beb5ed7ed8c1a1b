import { createHmac } from 'node:crypto';
import { GuestBookingService } from './guests/guest-booking.service';
import { ManageService } from './guests/manage.service';
import type { Logger } from 'pino';
import { AccountService } from './accounts/account.service';
import { AuditService } from './audit/audit.service';
import { RateLimits } from './accounts/rate-limits';
import { SessionCheck } from './accounts/session-check';
import { SessionService } from './accounts/session.service';
import { auditTrail } from './booking/audit';
import type { BookingChanged } from './booking/booking-events';
import { BookingLifecycle } from './booking/booking-lifecycle';
import { BookingQueryService } from './booking/booking-query.service';
import { BookingService } from './booking/booking.service';
import { SeriesService } from './booking/series.service';
import { CalendarFeedService } from './calendars/feed.service';
import type { ZoomMeetings } from './integrations/zoom/zoom-meetings';
import type { WherebyMeetings } from './integrations/whereby/whereby-meetings';
import { calendarListener, CalendarSyncer } from './calendars/calendar-sync';
import { CalendarService } from './calendars/calendar.service';
import { OAuthFlows } from './calendars/oauth-flow';
import { CatalogService } from './catalog/catalog.service';
import type { Config } from './config';
import { auditRecord } from './core/audit';
import type { Clock } from './core/clock';
import type { TxContext } from './core/context';
import { EventBus, type Listener } from './core/event-bus';
import { imageStorage } from './images/image-storage';
import { ImageService } from './images/image.service';
import { businessMetrics } from './infra/metrics';
import type { DomainEvents } from './events';
import { announceBooking, announceProposal } from './live/live-events';
import { Links } from './notifications/links';
import { NotificationService } from './notifications/notification.service';
import { PaymentEventService } from './payments/payment-events.service';
import { PaymentService } from './payments/payment.service';
import type { StripeGateway } from './integrations/stripe/stripe-gateway';
import { buildIntegrations } from './integrations/registry';
import { auditProposal } from './proposals/proposal-events';
import { ProposalService } from './proposals/proposal.service';
import { promoUses } from './promotions/promo-uses';
import { PromoCodeService } from './promotions/promo.service';
import { auditReview } from './reviews/review-events';
import { ReviewService } from './reviews/review.service';
import { BlackoutService } from './scheduling/blackout.service';
import { AvailabilityCheckService } from './scheduling/availability-check.service';
import { SchedulingService } from './scheduling/scheduling.service';
import { MinimumCapacity } from './scheduling/minimum-capacity';
import { WaitlistOffers } from './waitlist/waitlist-offers';
import { WaitlistService } from './waitlist/waitlist.service';
import { Tokens } from './accounts/tokens';
import { SecretBox } from './infra/secret-box';
import { webhookListeners } from './webhooks/webhook-events';
import { WebhookService } from './webhooks/webhook.service';

/** The domain services, made once per process and shared by every request and job. */
export interface Domain {
  /** Session checks kept in memory; the LISTEN connection feeds them the database's revocation notices. */
  sessionChecks: SessionCheck;
  tokens: Tokens;
  sessions: SessionService;
  rateLimits: RateLimits;
  accounts: AccountService;
  catalog: CatalogService;
  scheduling: SchedulingService;
  blackouts: BlackoutService;
  promoCodes: PromoCodeService;
  minimumCapacity: MinimumCapacity;
  availabilityChecks: AvailabilityCheckService;
  bookings: BookingService;
  bookingQueries: BookingQueryService;
  /** Recurring bookings (bookSeries). */
  series: SeriesService;
  audits: AuditService;
  notifications: NotificationService;
  /** The links emails carry; the server's booking page checks its signatures with them. */
  links: Links;
  payments: PaymentService;
  paymentEvents: PaymentEventService;
  proposals: ProposalService;
  waitlist: WaitlistService;
  webhooks: WebhookService;
  feeds: CalendarFeedService;
  zoom: ZoomMeetings;
  whereby: WherebyMeetings;
  calendars: CalendarService;
  /** The calendar jobs (sync, resync, busy times, revoke); without Google or Microsoft settings there is no connection to run them for. */
  calendarSync?: CalendarSyncer;
  reviews: ReviewService;
  images: ImageService;
  /** The Stripe client, when card payments are configured (the webhook verifies events with it). */
  stripe?: StripeGateway;
  /** bookAsGuest and manage links (docs/guest-bookings.md). */
  guests: GuestBookingService;
  manage: ManageService;
}

/** Listener: counts a booking change once it committed. */
function countChange(tx: TxContext, { action }: BookingChanged): void {
  tx.effects.afterCommit(() => {
    businessMetrics.bookingChanges.inc({ action });
    if (action === 'booking.created') businessMetrics.bookingsCreated.inc();
    if (action === 'booking.cancelled') businessMetrics.bookingsCancelled.inc();
  });
}

/** Listener: counts a waitlist offer once it committed. */
function countOffer(tx: TxContext): void {
  tx.effects.afterCommit(() => businessMetrics.waitlistOffers.inc());
}

/**
 * The composition root of the domain: services made with plain `new`, and the ONE place where reactions
 * to domain events are registered (registerListeners), in the order they run inside the change's
 * transaction. To react to a booking change (calendar sync, webhooks, ...), add a listener there.
 */
export function createDomain(config: Config, clock: Clock, log: Logger): Domain {
  const events = new EventBus<DomainEvents>();
  const base = baseServices(config, clock, log, events);
  registerListeners(events, base);
  const { lifecycle, integrations, offers, calendarTokens, ...shared } = base;
  return {
    ...shared,
    zoom: integrations.meetings.zoom,
    whereby: integrations.meetings.whereby,
    stripe: integrations.payments,
    ...topServices(config, log, events, base),
  };
}

/** The services other services are made from, with the integrations they call. */
function baseServices(config: Config, clock: Clock, log: Logger, events: EventBus<DomainEvents>) {
  const sessionChecks = new SessionCheck(clock);
  const tokens = new Tokens(config.jwtSecret, config.accessTokenMinutes, clock, sessionChecks);
  const sessions = new SessionService(
    tokens,
    config.refreshTokenDays,
    sessionChecks,
    createHmac('sha256', config.jwtSecret).update('refresh-tokens').digest('hex'),
  );
  const rateLimits = new RateLimits(config.rateLimits);
  const links = new Links(config);
  const notifications = new NotificationService(links, config.followUpHours);
  const lifecycle = new BookingLifecycle(events);
  const integrations = buildIntegrations(config, lifecycle);
  const catalog = new CatalogService(events, integrations.meetingProviders);
  const payments = new PaymentService(integrations.payments, config.holdMinutes, lifecycle, log);
  const offers = new WaitlistOffers(events, config.waitlistOfferHours);
  const bookings = new BookingService(lifecycle, payments, (id) => links.manage(id, 0));
  const waitlist = new WaitlistService(catalog, bookings, offers);
  const calendarTokens = new SecretBox(integrations.calendarTokenKey, 'CALENDAR_TOKEN_KEY');
  const scheduling = new SchedulingService(catalog, lifecycle, bookings, events);
  const calendarSync = integrations.calendars.configured().length
    ? new CalendarSyncer(integrations.calendars, calendarTokens, notifications, links, lifecycle)
    : undefined;
  const proposals = new ProposalService(bookings, events, config.proposalTtlHours);
  const shared = { sessionChecks, tokens, sessions, rateLimits, links, notifications, catalog, payments, bookings };
  return { ...shared, lifecycle, integrations, offers, waitlist, calendarTokens, scheduling, calendarSync, proposals };
}

type BaseServices = ReturnType<typeof baseServices>;

/** The ONE list of reactions to each domain event, in the order they run inside the change's transaction. */
function registerListeners(
  events: EventBus<DomainEvents>,
  { notifications, offers, integrations }: BaseServices,
): void {
  events
    .on('bookingChanged', ...bookingListeners(notifications, integrations.meetings))
    .on('seatsFreed', (tx, freed) => offers.seatsFreed(tx, freed))
    .on(
      'proposalChanged',
      auditProposal,
      (tx, change) => notifications.proposalChanged(tx, change),
      (tx, { proposalId, customerId, providerUserId }) =>
        announceProposal(tx, { proposalId, customerId, providerUserId }),
      webhookListeners.proposalChanged,
    )
    .on(
      'waitlistOffered',
      (tx, offer) => notifications.waitlistOffered(tx, offer),
      webhookListeners.waitlistOffered,
      countOffer,
    )
    .on(
      'reviewCreated',
      auditReview,
      (tx, review) => notifications.reviewCreated(tx, review),
      webhookListeners.reviewCreated,
    )
    .on('slotCancelled', (tx, cancelled) => offers.slotCancelled(tx, cancelled))
    .on('recordChanged', auditRecord)
    .on('promoCodeChanged', webhookListeners.promoCodeChanged);
}

/** The reactions to a booking change, in the order they run. */
function bookingListeners(
  notifications: NotificationService,
  meetings: BaseServices['integrations']['meetings'],
): Listener<BookingChanged>[] {
  return [
    auditTrail,
    (tx, change) => announceBooking(tx, change.booking.id),
    (tx, change) => notifications.bookingChanged(tx, change),
    webhookListeners.bookingChanged,
    ...Object.values(meetings).map(
      (meeting) => (tx: TxContext, change: BookingChanged) => meeting.bookingChanged(tx, change),
    ),
    calendarListener,
    promoUses,
    countChange,
  ];
}

/** The services no other service is made from. */
function topServices(config: Config, log: Logger, events: EventBus<DomainEvents>, base: BaseServices) {
  const { sessions, rateLimits, links, catalog, scheduling, bookings, lifecycle, payments, proposals } = base;
  return {
    accounts: new AccountService(sessions, rateLimits, links),
    minimumCapacity: new MinimumCapacity(scheduling),
    blackouts: new BlackoutService(catalog, lifecycle),
    promoCodes: new PromoCodeService(catalog, events),
    availabilityChecks: new AvailabilityCheckService(catalog),
    bookingQueries: new BookingQueryService(rateLimits),
    series: new SeriesService(bookings, lifecycle),
    audits: new AuditService(),
    paymentEvents: new PaymentEventService(payments, lifecycle, log),
    webhooks: new WebhookService(config.webhooks, rateLimits),
    feeds: new CalendarFeedService(config.publicUrl, config.jwtSecret, links),
    calendars: new CalendarService(
      base.integrations.calendars,
      base.calendarTokens,
      new OAuthFlows(config.publicUrl, createHmac('sha256', config.jwtSecret).update('oauth-pkce').digest('hex')),
    ),
    reviews: new ReviewService(events),
    images: new ImageService(imageStorage(config.images), config.publicUrl, catalog),
    guests: new GuestBookingService(bookings, rateLimits, links, config.guestConfirmMinutes, proposals, base.waitlist),
    manage: new ManageService(bookings, lifecycle, links),
  };
}
