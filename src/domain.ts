import { AccountService } from './accounts/account.service';
import { BookingQueryService } from './booking/booking-query.service';
import { BookingService } from './booking/booking.service';
import { CatalogService } from './catalog/catalog.service';
import type { Config } from './config';
import { NotificationService } from './notifications/notification.service';
import { BlackoutService } from './scheduling/blackout.service';
import { SchedulingService } from './scheduling/scheduling.service';
import { Tokens } from './server/tokens';

/** The domain services, made once per process and shared by every request. */
export interface Domain {
  tokens: Tokens;
  accounts: AccountService;
  catalog: CatalogService;
  scheduling: SchedulingService;
  blackouts: BlackoutService;
  bookings: BookingService;
  bookingQueries: BookingQueryService;
  notifications: NotificationService;
}

export function createDomain(config: Config): Domain {
  const catalog = new CatalogService();
  const notifications = new NotificationService(config.publicUrl);
  return {
    tokens: new Tokens(config.jwtSecret, config.tokenTtlHours),
    accounts: new AccountService(),
    catalog,
    scheduling: new SchedulingService(catalog),
    blackouts: new BlackoutService(catalog),
    bookings: new BookingService(notifications),
    bookingQueries: new BookingQueryService(),
    notifications,
  };
}
