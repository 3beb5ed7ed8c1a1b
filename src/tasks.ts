import type { MikroORM } from '@mikro-orm/postgresql';
import type { TaskList } from 'graphile-worker';
import type { Domain } from './domain';
import type { Mailer } from './notifications/mailer';
import { BOOKING_REMINDER, SEND_MESSAGE } from './notifications/notification.service';
import { sendMessage } from './notifications/send-message';
import { APPLY_STRIPE_EVENT } from './payments/payment-events.service';
import { EXPIRE_PROPOSAL } from './proposals/proposal.service';
import { EXPIRE_WAITLIST_OFFER } from './waitlist/waitlist-offers';
import { CANCEL_PAYMENT_INTENT, EXPIRE_PAYMENT_HOLD, SEND_REFUND } from './payments/payment.service';

/** Every background job, each a call into the domain with an EntityManager of its own. */
export function taskList(orm: MikroORM, domain: Domain, mailer: Mailer): TaskList {
  const em = () => orm.em.fork();
  return {
    [SEND_MESSAGE]: (payload, helpers) => sendMessage(em(), mailer, (payload as { messageId: number }).messageId, helpers.job.attempts >= helpers.job.max_attempts),
    [BOOKING_REMINDER]: (payload) => {
      const { bookingId, startsAt } = payload as { bookingId: number; startsAt: string };
      return domain.notifications.remind(em(), bookingId, startsAt);
    },
    [APPLY_STRIPE_EVENT]: (payload) => domain.paymentEvents.apply(em(), (payload as { eventId: string }).eventId),
    [EXPIRE_PAYMENT_HOLD]: (payload) => domain.paymentEvents.expireHold(em(), (payload as { bookingId: number }).bookingId),
    [CANCEL_PAYMENT_INTENT]: (payload) => domain.payments.cancelIntent((payload as { intentId: string }).intentId),
    [EXPIRE_PROPOSAL]: (payload) => domain.proposals.expire(em(), (payload as { proposalId: number }).proposalId),
    [EXPIRE_WAITLIST_OFFER]: (payload) => domain.waitlist.expireOffer(em(), (payload as { entryId: number }).entryId),
    [SEND_REFUND]: (payload) => domain.payments.sendRefund(em(), (payload as { refundId: number }).refundId),
  };
}
