import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobHelpers, Task } from 'graphile-worker';
import type { Clock } from './core/clock';
import { systemContext } from './core/context';
import type { Domain } from './domain';
import type { TaskName } from './jobs';
import type { MailTransport } from './notifications/mail-transport';
import { sendMessage } from './notifications/send-message';

/** Every task by name, its payload typed by graphile-worker. */
type Tasks = { [K in TaskName]: Task<K> };

/** Whether this run is the job's last attempt: the callee then treats a failure as final. */
const lastAttempt = (helpers: JobHelpers) => helpers.job.attempts >= helpers.job.max_attempts;

/**
 * Every background job (declared in `jobs.ts`), each a call into the domain with a context of its own:
 * a fresh EntityManager, the server's clock, and no actor. Payloads are typed by graphile-worker.
 */
export function taskList(orm: MikroORM, domain: Domain, mailer: MailTransport, clock: Clock): Tasks {
  const ctx = () => systemContext(orm, clock);
  return {
    booking_mail: ({ bookingId, kind, sequence, change }) =>
      domain.notifications.mailBooking(ctx(), bookingId, kind, sequence, change),
    booking_created: ({ bookingId, sequence }) => domain.notifications.bookingCreated(ctx(), bookingId, sequence),
    booking_reminder: ({ bookingId, startsAt }) => domain.notifications.remind(ctx(), bookingId, startsAt),
    booking_follow_up: ({ bookingId, endsAt }) => domain.notifications.followUp(ctx(), bookingId, endsAt),
    proposal_mail: ({ proposalId, kind }) => domain.notifications.mailProposal(ctx(), proposalId, kind),
    waitlist_offer_mail: ({ entryId }) => domain.notifications.mailWaitlistOffer(ctx(), entryId),
    review_mail: ({ reviewId }) => domain.notifications.mailReview(ctx(), reviewId),
    verification_mail: ({ userId }) => domain.notifications.mailVerification(ctx(), userId),
    manage_link_mail: ({ bookingId }) => domain.notifications.mailManageLink(ctx(), bookingId),
    send_message: ({ messageId }, helpers) => sendMessage(ctx(), mailer, domain.links, messageId, lastAttempt(helpers)),
    apply_stripe_event: ({ eventId }) => domain.paymentEvents.apply(ctx(), eventId),
    expire_payment_hold: ({ bookingId }) => domain.paymentEvents.expireHold(ctx(), bookingId),
    cancel_payment_intent: ({ intentId }) => domain.payments.cancelIntent(intentId),
    expire_checkout_session: ({ sessionId }) => domain.payments.expireCheckout(sessionId),
    send_refund: ({ refundId }, helpers) => domain.payments.sendRefund(ctx(), refundId, lastAttempt(helpers)),
    check_refund: ({ refundId, round }) => domain.payments.checkRefund(ctx(), refundId, round),
    expire_proposal: ({ proposalId }) => domain.proposals.expire(ctx(), proposalId),
    expire_waitlist_offer: ({ entryId }) => domain.waitlist.expireOffer(ctx(), entryId),
    deliver_webhook: ({ deliveryId }, helpers) => domain.webhooks.deliver(ctx(), deliveryId, lastAttempt(helpers)),
    zoom_meeting: ({ bookingId }) => domain.zoom.sync(ctx(), bookingId),
    whereby_meeting: ({ bookingId }) => domain.whereby.sync(ctx(), bookingId),
    calendar_sync: async ({ bookingId, connectionId }) => domain.calendarSync?.sync(ctx(), bookingId, connectionId),
    calendar_resync: async ({ connectionId }) => domain.calendarSync?.resync(ctx(), connectionId),
    calendar_busy: async ({ connectionId }) => domain.calendarSync?.readBusy(ctx(), connectionId),
    calendar_revoke: async ({ connectionId }) => domain.calendarSync?.revoke(ctx(), connectionId),
    check_minimum_capacity: ({ slotId }) => domain.minimumCapacity.check(ctx(), slotId),
    discard_image: ({ imageId, key }) => domain.images.discard(ctx(), imageId, key),
  };
}
