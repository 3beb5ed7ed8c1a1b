import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Logger } from 'pino';
import { isPlainAddress } from '../../accounts/email';
import { oneLine } from '../../notifications/booking-mail';
import type { Delivery, MailTransport, OutgoingMail } from '../../notifications/mail-transport';

/** Sends stored messages over SMTP_URL; without it, logs them instead. */
export class Mailer implements MailTransport {
  private readonly transport?: Transporter;

  constructor(
    smtpUrl: string | undefined,
    private readonly from: string,
    private readonly log: Logger,
  ) {
    const options: SMTPTransport.Options = {
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    };
    this.transport = smtpUrl ? nodemailer.createTransport(options) : undefined;
  }

  /**
   * Delivers one message. A permanent refusal (an SMTP 5xx answer) is returned, not thrown: retrying
   * cannot help. A server that is down or slow throws, so that the job is retried with backoff.
   */
  async deliver(message: OutgoingMail): Promise<Delivery> {
    // Addresses are checked when given; one stored before that check must still reach no one else.
    if (!isPlainAddress(message.to)) return { outcome: 'refused', error: 'not one plain email address' };
    if (!this.transport) {
      this.log.info({ to: message.to, subject: message.subject }, 'no SMTP_URL: message stored and logged, not sent');
      return { outcome: 'logged' };
    }
    const method = (calendar: string) => /METHOD:(\w+)/.exec(calendar)?.[1];
    try {
      await this.transport.sendMail({
        from: this.from,
        // An address object, never a string: nodemailer splits a string at commas and semicolons.
        to: { name: '', address: message.to },
        subject: oneLine(message.subject),
        text: message.text,
        html: message.html,
        icalEvent: message.calendar
          ? { method: method(message.calendar), filename: 'invite.ics', content: message.calendar }
          : undefined,
        // One iCalendar object per event (each run of a booking's slots has its own UID), as iTIP expects.
        attachments: (message.moreInvites ?? []).map((content, index) => ({
          filename: `invite-${index + 2}.ics`,
          content,
          contentType: `text/calendar; charset=utf-8; method=${method(content)}`,
        })),
        headers: { 'X-Message-Id': String(message.id) },
      });
      return { outcome: 'sent' };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500 && code < 600)
        return { outcome: 'refused', error: (error as Error).message };
      throw error;
    }
  }

  close(): void {
    this.transport?.close();
  }
}
