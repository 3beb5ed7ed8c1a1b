import { randomUUID } from 'node:crypto';
import type { BookingChanged } from '../booking/booking-events';
import type { TxContext } from '../core/context';
import type { PromoCodeChanged } from '../promotions/promo.service';
import type { ProposalChanged } from '../proposals/proposal-events';
import type { ReviewCreated } from '../reviews/review-events';
import type { WaitlistOffered } from '../waitlist/waitlist-events';
import type { WebhookEvent } from './webhook.enums';
import { queueDeliveries } from './webhook.sql';

/**
 * Queues one event for every active endpoint that subscribed to it: the provider's of the service and the
 * admins' (which receive every provider's). The rows and their jobs are written in the change's own
 * statement, so an event exists exactly when its change committed; with no endpoint it inserts nothing.
 */
function queue(
  tx: TxContext,
  type: WebhookEvent,
  owner: { serviceId: number } | { providerId: number },
  data: object,
): void {
  tx.effects.writeRows((name) =>
    queueDeliveries(name, {
      eventId: randomUUID(),
      type,
      data,
      providerId: 'providerId' in owner ? owner.providerId : null,
      serviceId: 'serviceId' in owner ? owner.serviceId : null,
      now: tx.clock.now(),
    }),
  );
}

/** Which webhook event a booking change is: made, cancelled, or any other change (with its action). */
function bookingEvent(change: BookingChanged): WebhookEvent {
  if (change.action === 'booking.created') return 'booking.created';
  return change.action === 'booking.cancelled' ? 'booking.cancelled' : 'booking.changed';
}

/** The listeners that turn domain events into webhook deliveries (registered in `domain.ts`). */
export const webhookListeners = {
  bookingChanged(tx: TxContext, change: BookingChanged): void {
    const { booking, after, before, action, reason } = change;
    queue(
      tx,
      bookingEvent(change),
      { serviceId: booking.serviceId },
      {
        action,
        booking: {
          id: String(booking.id),
          reference: booking.reference,
          serviceId: String(booking.serviceId),
          customerId: String(booking.customerId),
          startsAt: booking.startsAt,
          ...after,
        },
        before,
        reason,
      },
    );
  },

  proposalChanged(tx: TxContext, change: ProposalChanged): void {
    queue(
      tx,
      'proposal.changed',
      { serviceId: change.serviceId },
      {
        kind: change.kind,
        proposal: {
          id: String(change.proposalId),
          status: change.status,
          serviceId: String(change.serviceId),
          customerId: String(change.customerId),
        },
      },
    );
  },

  reviewCreated(tx: TxContext, review: ReviewCreated): void {
    queue(
      tx,
      'review.created',
      { serviceId: review.serviceId },
      {
        review: {
          id: String(review.reviewId),
          bookingId: String(review.bookingId),
          serviceId: String(review.serviceId),
          rating: review.rating,
          comment: review.comment,
        },
      },
    );
  },

  waitlistOffered(tx: TxContext, offer: WaitlistOffered): void {
    queue(
      tx,
      'waitlist.offered',
      { serviceId: offer.serviceId },
      {
        entry: {
          id: String(offer.entryId),
          serviceId: String(offer.serviceId),
          slotId: String(offer.slotId),
          customerId: String(offer.customerId),
        },
      },
    );
  },

  promoCodeChanged(tx: TxContext, change: PromoCodeChanged): void {
    queue(
      tx,
      'promo_code.changed',
      { providerId: change.providerId },
      {
        action: change.action,
        promoCode: { id: String(change.promoCodeId), ...change.after },
        before: change.before,
      },
    );
  },
};
