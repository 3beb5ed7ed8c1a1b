/**
 * Every background job: its name, its payload, and its key (a job with the same key replaces or removes
 * the waiting one), declared once. graphile-worker's `GraphileWorker.Tasks` types each task's payload;
 * `tasks.ts` runs them, the domain queues them with the builders below.
 */
import type { BookingSnapshot, MoneyOutcome } from './booking/booking-events';
import type { BookingMailKind } from './notifications/booking-mail';
import type { ProposalMailKind } from './notifications/proposal-mail';

declare global {
  namespace GraphileWorker {
    interface Tasks {
      /** Builds and stores the emails (and invites) of one booking change, then queues their sending. */
      booking_mail: { bookingId: number; kind: BookingMailKind; sequence: number; change?: MailedChange };
      /** A new confirmed booking: queues its email, reminder and follow-up (one job in the write instead of three). */
      booking_created: { bookingId: number; sequence: number };
      booking_reminder: { bookingId: number; startsAt: string };
      /** The email a while after a booking ended, inviting a review; sent only if it still ended then and was not cancelled or a no-show. */
      booking_follow_up: { bookingId: number; endsAt: string };
      proposal_mail: { proposalId: number; kind: ProposalMailKind };
      waitlist_offer_mail: { entryId: number };
      /** Tells the provider of a new review. */
      review_mail: { reviewId: number };
      send_message: { messageId: number };
      /** Mails an account the link that confirms its address (at sign-up, or asked for again). */
      verification_mail: { userId: number };
      /** Mails a booking's customer its new manage link (its links were revoked). */
      manage_link_mail: { bookingId: number };
      apply_stripe_event: { eventId: string };
      expire_payment_hold: { bookingId: number };
      cancel_payment_intent: { intentId: string };
      /** Expires a guest's Stripe Checkout Session that must no longer be paid (its booking expired or was cancelled). */
      expire_checkout_session: { sessionId: string };
      send_refund: { refundId: number };
      /** Asks Stripe where a refund still on its way stands, in case its events never came; queues itself again. */
      check_refund: { refundId: number; round: number };
      expire_proposal: { proposalId: number };
      expire_waitlist_offer: { entryId: number };
      /** POSTs one webhook delivery; retried by graphile-worker's exponential backoff for about 3 days. */
      deliver_webhook: { deliveryId: number };
      /** Makes, moves or deletes the Zoom meeting of one booking so that it matches the booking. */
      zoom_meeting: { bookingId: number };
      /** Makes or deletes the Whereby room of one booking so that it matches the booking. */
      whereby_meeting: { bookingId: number };
      /** Puts one booking's event in one connection's calendar in step with the booking as it is when the job runs. */
      calendar_sync: { bookingId: number; connectionId: number };
      /** Compares a connection's calendar with every future booking and queues calendar_sync for what differs. */
      calendar_resync: { connectionId: number };
      /** Reads a blocking connection's busy times (free/busy), then queues itself again. */
      calendar_busy: { connectionId: number };
      /** Revokes a disconnected account's grant at Google and forgets its token. */
      calendar_revoke: { connectionId: number };
      /** At a departure's minimum-capacity deadline: cancels and refunds it when too few people booked. */
      check_minimum_capacity: { slotId: number };
      /** Deletes an image (its row, then its stored bytes) if nothing shows it any more. */
      discard_image: { imageId: string; key: string };
    }
  }
}

export type TaskName = keyof GraphileWorker.Tasks;

/** The facts of a change that its email tells: who made it (null: the server or the bank), why, what the booking was before, and what it did to the money. */
export interface MailedChange {
  actorId: number | null;
  reason: string | null;
  before: BookingSnapshot | null;
  money?: MoneyOutcome;
}

export interface Job<K extends TaskName = TaskName> {
  task: K;
  payload: GraphileWorker.Tasks[K];
  runAt?: Date;
  /** A job with the same key replaces the waiting one (how a reminder moves with its booking). */
  jobKey?: string;
  maxAttempts?: number;
  /** Jobs of one named queue run one at a time, in the order they were added (a booking's emails). */
  queueName?: string;
}

/** A job that must not run before its time: expiry jobs check the server's clock and queue themselves again. */
export type TimedJob<K extends TaskName = TaskName> = Job<K> & { runAt: Date };

export const jobKeys = {
  reminder: (bookingId: number) => `booking-reminder:${bookingId}`,
  followUp: (bookingId: number) => `booking-follow-up:${bookingId}`,
  hold: (bookingId: number) => `payment-hold:${bookingId}`,
  proposalExpiry: (proposalId: number) => `proposal-expiry:${proposalId}`,
  offerExpiry: (entryId: number) => `waitlist-offer:${entryId}`,
  webhookDelivery: (deliveryId: number | string) => `webhook-delivery:${deliveryId}`,
  zoomMeeting: (bookingId: number) => `zoom-meeting:${bookingId}`,
  wherebyMeeting: (bookingId: number) => `whereby-meeting:${bookingId}`,
  /** One job per (booking, connection): changes while one waits coalesce, and it reads the booking when it runs. */
  calendarSync: (bookingId: number | string, connectionId: number | string) =>
    `calendar-sync:${bookingId}:${connectionId}`,
  calendarResync: (connectionId: number) => `calendar-resync:${connectionId}`,
  calendarBusy: (connectionId: number) => `calendar-busy:${connectionId}`,
  minimumCapacity: (slotId: number) => `minimum-capacity:${slotId}`,
};

/** Calendar jobs queue themselves again with their own backoff; these attempts only cover unexpected failures (the database away). */
export const CALENDAR_JOB_ATTEMPTS = 25;

/**
 * Attempts of one webhook delivery. graphile-worker waits exp(min(attempt, 10)) seconds after a failed
 * attempt: 3 s, 7 s, 20 s, 55 s, 2.5 min, 7 min, 18 min, 50 min, 2.3 h, then every 6.1 h; the 21st and
 * last attempt comes about 71 hours (2.95 days) after the first.
 */
export const WEBHOOK_ATTEMPTS = 21;

/** Attempts of a redelivery asked for by hand: its last comes about 1.5 minutes after the first, while someone watches. */
export const REDELIVERY_ATTEMPTS = 5;

/** Attempts of one Zoom or Whereby meeting change, with the same backoff: the last comes about three days after the first. */
export const MEETING_ATTEMPTS = 21;

/** The queue of a booking's email jobs: they run one at a time, in the order of its changes. */
const bookingEmails = (bookingId: number) => `booking-emails:${bookingId}`;

export const jobs = {
  bookingMail: (
    bookingId: number,
    kind: BookingMailKind,
    sequence: number,
    change?: MailedChange,
  ): Job<'booking_mail'> => ({
    task: 'booking_mail',
    payload: { bookingId, kind, sequence, ...(change ? { change } : {}) },
    queueName: bookingEmails(bookingId),
  }),
  bookingCreated: (bookingId: number, sequence: number): Job<'booking_created'> => ({
    task: 'booking_created',
    payload: { bookingId, sequence },
    queueName: bookingEmails(bookingId),
  }),
  reminder: (bookingId: number, startsAt: Date, runAt: Date): Job<'booking_reminder'> => ({
    task: 'booking_reminder',
    payload: { bookingId, startsAt: startsAt.toISOString() },
    runAt,
    jobKey: jobKeys.reminder(bookingId),
  }),
  followUp: (bookingId: number, endsAt: Date, runAt: Date): TimedJob<'booking_follow_up'> => ({
    task: 'booking_follow_up',
    payload: { bookingId, endsAt: endsAt.toISOString() },
    runAt,
    jobKey: jobKeys.followUp(bookingId),
  }),
  proposalMail: (proposalId: number, kind: ProposalMailKind): Job<'proposal_mail'> => ({
    task: 'proposal_mail',
    payload: { proposalId, kind },
  }),
  waitlistOfferMail: (entryId: number): Job<'waitlist_offer_mail'> => ({
    task: 'waitlist_offer_mail',
    payload: { entryId },
  }),
  reviewMail: (reviewId: number): Job<'review_mail'> => ({
    task: 'review_mail',
    payload: { reviewId },
    jobKey: `review-mail:${reviewId}`,
  }),
  verificationMail: (userId: number): Job<'verification_mail'> => ({
    task: 'verification_mail',
    payload: { userId },
  }),
  manageLinkMail: (bookingId: number): Job<'manage_link_mail'> => ({
    task: 'manage_link_mail',
    payload: { bookingId },
  }),
  sendMessage: (messageId: number): Job<'send_message'> => ({
    task: 'send_message',
    payload: { messageId },
    jobKey: `message:${messageId}`,
  }),
  applyStripeEvent: (eventId: string): Job<'apply_stripe_event'> => ({
    task: 'apply_stripe_event',
    payload: { eventId },
    jobKey: `stripe-event:${eventId}`,
    maxAttempts: 10,
  }),
  holdExpiry: (bookingId: number, runAt: Date): TimedJob<'expire_payment_hold'> => ({
    task: 'expire_payment_hold',
    payload: { bookingId },
    runAt,
    jobKey: jobKeys.hold(bookingId),
  }),
  cancelIntent: (intentId: string): Job<'cancel_payment_intent'> => ({
    task: 'cancel_payment_intent',
    payload: { intentId },
    jobKey: `cancel-intent:${intentId}`,
  }),
  expireCheckout: (sessionId: string): Job<'expire_checkout_session'> => ({
    task: 'expire_checkout_session',
    payload: { sessionId },
    jobKey: `expire-checkout:${sessionId}`,
  }),
  sendRefund: (refundId: number): Job<'send_refund'> => ({
    task: 'send_refund',
    payload: { refundId },
    jobKey: `refund:${refundId}`,
  }),
  checkRefund: (refundId: number, round: number, runAt: Date): Job<'check_refund'> => ({
    task: 'check_refund',
    payload: { refundId, round },
    runAt,
    jobKey: `refund-check:${refundId}`,
  }),
  proposalExpiry: (proposalId: number, runAt: Date): TimedJob<'expire_proposal'> => ({
    task: 'expire_proposal',
    payload: { proposalId },
    runAt,
    jobKey: jobKeys.proposalExpiry(proposalId),
  }),
  offerExpiry: (entryId: number, runAt: Date): TimedJob<'expire_waitlist_offer'> => ({
    task: 'expire_waitlist_offer',
    payload: { entryId },
    runAt,
    jobKey: jobKeys.offerExpiry(entryId),
  }),
  deliverWebhook: (deliveryId: number, maxAttempts = WEBHOOK_ATTEMPTS): Job<'deliver_webhook'> => ({
    task: 'deliver_webhook',
    payload: { deliveryId },
    jobKey: jobKeys.webhookDelivery(deliveryId),
    maxAttempts,
  }),
  calendarSync: (bookingId: number, connectionId: number, runAt?: Date): Job<'calendar_sync'> => ({
    task: 'calendar_sync',
    payload: { bookingId, connectionId },
    runAt,
    jobKey: jobKeys.calendarSync(bookingId, connectionId),
    maxAttempts: CALENDAR_JOB_ATTEMPTS,
  }),
  calendarResync: (connectionId: number, runAt?: Date): Job<'calendar_resync'> => ({
    task: 'calendar_resync',
    payload: { connectionId },
    runAt,
    jobKey: jobKeys.calendarResync(connectionId),
    maxAttempts: CALENDAR_JOB_ATTEMPTS,
  }),
  calendarBusy: (connectionId: number, runAt?: Date): Job<'calendar_busy'> => ({
    task: 'calendar_busy',
    payload: { connectionId },
    runAt,
    jobKey: jobKeys.calendarBusy(connectionId),
    maxAttempts: CALENDAR_JOB_ATTEMPTS,
  }),
  /** One per image: a later one (an image detached now) replaces a waiting one (an upload's check a day later). */
  discardImage: (imageId: string, key: string, runAt?: Date): Job<'discard_image'> => ({
    task: 'discard_image',
    payload: { imageId, key },
    runAt,
    jobKey: `discard-image:${imageId}`,
  }),
  minimumCapacity: (slotId: number, runAt: Date): TimedJob<'check_minimum_capacity'> => ({
    task: 'check_minimum_capacity',
    payload: { slotId },
    runAt,
    jobKey: jobKeys.minimumCapacity(slotId),
  }),
  calendarRevoke: (connectionId: number): Job<'calendar_revoke'> => ({
    task: 'calendar_revoke',
    payload: { connectionId },
    jobKey: `calendar-revoke:${connectionId}`,
    maxAttempts: CALENDAR_JOB_ATTEMPTS,
  }),
};
