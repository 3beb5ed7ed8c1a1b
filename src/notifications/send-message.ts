import type { RequestContext } from '../core/context';
import { unconfirmedNotice } from './address-mail';
import type { Links } from './links';
import type { MailTransport, OutgoingMail } from './mail-transport';
import { Message } from './message.entity';

/**
 * What may go to a message's address, decided when it is sent (the one place for it): an account's own
 * address gets its messages once it is confirmed, and until then a fixed notice (no user's words) with
 * the link that confirms it; an outside address (a booking's contact) gets the message only once the
 * account it is sent for confirmed its own address, and nothing before (null: withheld). Messages with
 * neither (the verification mail itself) are fixed texts and go as they are.
 */
function outgoing(message: Message, links: Links, now: Date): OutgoingMail | null {
  const recipient = message.recipient?.getEntity();
  if (recipient && !recipient.emailVerifiedAt)
    return {
      id: message.id,
      to: message.to,
      ...unconfirmedNotice(links.site, links.emailVerification(recipient.id, recipient.email, now), recipient.locale),
    };
  if (!recipient && message.sender && !message.sender.getEntity().emailVerifiedAt) return null;
  return message;
}

/**
 * The send_message job: sends one stored message; idempotent (a message already sent or failed is left
 * alone). A throw is retried. No transaction is held open while the mail server answers.
 */
export async function sendMessage(
  ctx: RequestContext,
  mailer: MailTransport,
  links: Links,
  messageId: number,
  lastAttempt: boolean,
): Promise<void> {
  const message = await ctx.em.findOne(Message, messageId, { populate: ['recipient', 'sender'] });
  if (!message || message.status !== 'PENDING') return;
  const mail = outgoing(message, links, ctx.clock.now());
  if (!mail) {
    message.status = 'WITHHELD';
    message.lastError = 'the account it is sent for has not confirmed its own email address';
    await ctx.em.flush();
    return;
  }
  message.attempts += 1;
  try {
    const delivery = await mailer.deliver(mail);
    if (delivery.outcome === 'refused') {
      message.status = 'FAILED';
      message.lastError = delivery.error;
    } else {
      message.status = delivery.outcome === 'sent' ? 'SENT' : 'LOGGED';
      message.sentAt = new Date();
    }
  } catch (error) {
    message.lastError = (error as Error).message;
    if (lastAttempt) message.status = 'FAILED';
    await ctx.em.flush();
    throw error;
  }
  await ctx.em.flush();
}
