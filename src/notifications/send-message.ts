import type { RequestContext } from '../core/context';
import type { Mailer } from './mailer';
import { Message } from './message.entity';

/**
 * The send_message job: sends one stored message; idempotent (a message already sent or failed is left
 * alone). A throw is retried. No transaction is held open while the mail server answers.
 */
export async function sendMessage(
  ctx: RequestContext,
  mailer: Mailer,
  messageId: number,
  lastAttempt: boolean,
): Promise<void> {
  const message = await ctx.em.findOne(Message, messageId);
  if (!message || message.status !== 'PENDING') return;
  message.attempts += 1;
  try {
    const delivery = await mailer.deliver(message);
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
