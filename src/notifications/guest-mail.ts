import type { Booking } from '../booking/booking.entity';
import { mailBody, SUBJECTS, type BookingMailKind } from './booking-mail';

type Mail = { subject: string; text: string; html: string };

/**
 * What a guest's address gets about a booking made with it: fixed texts, with nothing any user chose in
 * them (no name, service, note: the booker may not be the address's owner), only the booking's reference,
 * its hold's end and its manage link, where the details are.
 */
export function guestBookingMail(
  kind: BookingMailKind | 'manage_link',
  booking: Booking,
  site: string,
  link: string,
): Mail {
  const reference = booking.reference;
  if (kind === 'awaiting_confirmation') {
    const until = booking.holdExpiresAt?.toISOString().slice(0, 16).replace('T', ' ');
    const lines = [
      `A booking (${reference}) was made with this email address at ${site}.`,
      '',
      `Its places are held until ${until} UTC. To confirm it, open this link and press Confirm: ${link}`,
      '',
      'If it was not you, ignore this email: the booking is released on its own.',
    ];
    return { subject: `Confirm your booking (${reference})`, ...mailBody(lines, link, 'Confirm my booking') };
  }
  const what =
    kind === 'manage_link'
      ? 'Your new link to your booking'
      : kind === 'payment_failed' && !booking.payment
        ? 'Booking not confirmed in time, released' // a free booking's hold ran out: there was no payment
        : SUBJECTS[kind];
  const lines = [
    `${what}: booking ${reference}, made with this email address at ${site}.`,
    '',
    `See it, cancel it or move it here (the link works until the booking ends): ${link}`,
    '',
    'If you did not make this booking, ignore this email.',
  ];
  return { subject: `${what} (${reference})`, ...mailBody(lines, link, `Open booking ${reference}`) };
}
