import type { Logger } from 'pino';
import { AccountService } from './accounts/account.service';
import { RateLimits } from './accounts/rate-limits';
import { SessionService } from './accounts/session.service';
import { BookingChanges } from './booking/booking-changes';
import { BookingQueryService } from './booking/booking-query.service';
import { BookingService } from './booking/booking.service';
import { CatalogService } from './catalog/catalog.service';
import type { Config } from './config';
import type { Clock } from './core/clock';
import { NotificationService } from './notifications/notification.service';
import { PaymentEventService } from './payments/payment-events.service';
import { PaymentService } from './payments/payment.service';
import { ProposalService } from './proposals/proposal.service';
import { StripeGateway } from './payments/stripe-gateway';
import { BlackoutService } from './scheduling/blackout.service';
import { SchedulingService } from './scheduling/scheduling.service';
import { Tokens } from './server/tokens';
import { WaitlistOffers } from './waitlist/waitlist-offers';
import { WaitlistService } from './waitlist/waitlist.service';

/** The domain services, made once per process and shared by every request. */
export interface Domain {
  tokens: Tokens;
  sessions: SessionService;
  rateLimits: RateLimits;
  accounts: AccountService;
  catalog: CatalogService;
  scheduling: SchedulingService;
  blackouts: BlackoutService;
  bookings: BookingService;
  bookingQueries: BookingQueryService;
  notifications: NotificationService;
  payments: PaymentService;
  paymentEvents: PaymentEventService;
  proposals: ProposalService;
  waitlist: WaitlistService;
}

export function createDomain(config: Config, clock: Clock, log: Logger): Domain {
  const catalog = new CatalogService();
  const notifications = new NotificationService(config.publicUrl);
  const payments = new PaymentService(config.stripe ? new StripeGateway(config.stripe) : undefined, config.holdMinutes, log);
  const offers = new WaitlistOffers(notifications, config.waitlistOfferHours);
  const seatsFreed = offers.seatsFreed.bind(offers);
  const changes = new BookingChanges(notifications, seatsFreed);
  const bookings = new BookingService(changes, payments);
  const tokens = new Tokens(config.jwtSecret, config.accessTokenMinutes, clock);
  const sessions = new SessionService(tokens, config.refreshTokenDays);
  const rateLimits = new RateLimits(config.rateLimits);
  return {
    tokens,
    sessions,
    rateLimits,
    accounts: new AccountService(sessions, rateLimits),
    catalog,
    scheduling: new SchedulingService(catalog, seatsFreed),
    blackouts: new BlackoutService(catalog, seatsFreed),
    bookings,
    bookingQueries: new BookingQueryService(),
    notifications,
    payments,
    paymentEvents: new PaymentEventService(payments, changes, clock, log),
    proposals: new ProposalService(bookings, notifications, config.proposalTtlHours, clock),
    waitlist: new WaitlistService(catalog, bookings, offers, clock),
  };
}
