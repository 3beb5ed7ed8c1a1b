import { Provider } from './accounts/provider.entity';
import { Session } from './accounts/session.entity';
import { User } from './accounts/user.entity';
import { AuditEntry } from './booking/audit-entry.entity';
import { Booking, BookingSlot } from './booking/booking.entity';
import { BookingSeries } from './booking/series.entity';
import { CalendarFeed } from './calendars/feed.entity';
import { CalendarBusy, CalendarConnection, CalendarSync } from './calendars/calendar.entity';
import { Service } from './catalog/service.entity';
import { Message } from './notifications/message.entity';
import { Payment } from './payments/payment.entity';
import { PaymentDiscrepancy } from './payments/payment-discrepancy.entity';
import { Refund } from './payments/refund.entity';
import { StripeEvent } from './payments/stripe-event.entity';
import { Proposal } from './proposals/proposal.entity';
import { WaitlistEntry } from './waitlist/waitlist-entry.entity';
import { Blackout } from './scheduling/blackout.entity';
import { Schedule } from './scheduling/schedule.entity';
import { Slot } from './scheduling/slot.entity';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhooks/webhook.entity';
import { Image, ServiceImage } from './images/image.entity';
import { Review } from './reviews/review.entity';
import { PromoCode } from './promotions/promo-code.entity';

/** Every entity the ORM maps; migrations are generated from these. */
export const ENTITIES = [
  User,
  Session,
  Provider,
  Service,
  Schedule,
  Slot,
  Blackout,
  Booking,
  BookingSlot,
  BookingSeries,
  AuditEntry,
  Message,
  Payment,
  PaymentDiscrepancy,
  Refund,
  StripeEvent,
  Proposal,
  WaitlistEntry,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  CalendarFeed,
  CalendarConnection,
  CalendarSync,
  CalendarBusy,
  Review,
  Image,
  ServiceImage,
  PromoCode,
];
