import type { EntityManager } from '@mikro-orm/postgresql';
import type { Mailer } from './mailer';
import { Message } from './message.entity';

/** Sends one stored message; idempotent: a message already sent or failed is left alone. A throw is retried. */
export async function sendMessage(em: EntityManager, mailer: Mailer, messageId: number, lastAttempt: boolean): Promise<void> {
  const message = await em.findOne(Message, messageId);
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
    await em.flush();
    throw error;
  }
  await em.flush();
}
