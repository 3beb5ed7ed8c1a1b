import { DateTime } from 'luxon';
import type { Booking } from '../booking/booking.entity';
import type { Service } from '../catalog/service.entity';
import { formatAmount } from '../core/money';

export type BookingMailKind = 'created' | 'changed' | 'cancelled' | 'reminder' | 'payment_failed' | 'refunded' | 'refund_failed' | 'meeting_link';

const SUBJECTS: Record<BookingMailKind, string> = {
  created: 'Booking confirmed',
  changed: 'Booking changed',
  cancelled: 'Booking cancelled',
  reminder: 'Reminder: your booking is tomorrow',
  payment_failed: 'Payment not completed, booking released',
  refunded: 'Refund issued',
  refund_failed: 'A refund was refused by the bank',
  meeting_link: 'Your meeting link',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Header values never carry line breaks, whatever users typed. */
export const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

/** Subject, plain text and HTML of a booking email, with times in the service's zone and a link back. */
export function bookingMail(kind: BookingMailKind, booking: Booking, service: Service, link: string): { subject: string; text: string; html: string } {
  const when = (date: Date) => DateTime.fromJSDate(date, { zone: service.timezone }).setLocale('en').toFormat("ccc d LLL yyyy, HH:mm '('ZZZZ')'");
  const subject = oneLine(`${SUBJECTS[kind]}: ${service.name} (${booking.reference})`);
  const lines = [
    `${SUBJECTS[kind]}.`,
    '',
    `Service: ${service.name}`,
    `Reference: ${booking.reference}`,
    `From: ${when(booking.startsAt)}`,
    `To: ${when(booking.endsAt)}`,
    `Party: ${booking.adults} adult(s), ${booking.children} child(ren), ${booking.infants} infant(s)`,
    `Total: ${formatAmount(booking.total, booking.currency)} ${booking.currency}`,
    ...(kind === 'refunded' && booking.refundedAmount ? [`Refunded: ${formatAmount(booking.refundedAmount, booking.currency)} ${booking.currency}`] : []),
    ...(kind === 'refund_failed' ? ['The bank refused a refund of this booking; the customer has not been paid back. Refund by other means or try again.'] : []),
    ...(booking.meetingUrl ? [`Meeting: ${booking.meetingUrl}`] : []),
    ...(booking.notes ? [`Notes: ${booking.notes}`] : []),
    '',
    `See it at ${link}`,
  ];
  return { subject, ...mailBody(lines, link, `Open booking ${booking.reference}`) };
}

/** Plain text and HTML of an email from its lines, with a link at the end. */
export function mailBody(lines: string[], link: string, linkLabel: string): { text: string; html: string } {
  const html = `<p>${lines.filter((line) => line !== '').map(escapeHtml).join('<br>\n')}</p>\n<p><a href="${escapeHtml(link)}">${escapeHtml(linkLabel)}</a></p>`;
  return { text: lines.join('\n'), html };
}
