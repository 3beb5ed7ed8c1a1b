import type { Message } from './message.entity';

/** What is sent: a stored message, or what stands in for it (send-message.ts). */
export type OutgoingMail = Pick<Message, 'id' | 'to' | 'subject' | 'text' | 'html'> & {
  calendar?: string | null;
  moreInvites?: string[];
};

export type Delivery = { outcome: 'sent' | 'logged' } | { outcome: 'refused'; error: string };

/** How mail leaves (src/integrations/smtp is the transport there is). */
export interface MailTransport {
  /**
   * Delivers one message. A permanent refusal is returned, not thrown: retrying cannot help. A server that
   * is down or slow throws, so that the job is retried with backoff.
   */
  deliver(message: OutgoingMail): Promise<Delivery>;
  close(): void;
}
