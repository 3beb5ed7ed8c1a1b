import type { Booking } from '../booking/booking.entity';
import { translator } from '../i18n';
import { mailBody, type BookingMailKind } from './booking-mail';

type Mail = { subject: string; text: string; html: string };

/**
 * What a guest's address gets about a booking made with it: fixed texts, with nothing any user chose in
 * them (no name, service, note: the booker may not be the address's owner), only the booking's reference,
 * its hold's end and its manage link, where the details are; in the guest's language (`locale`).
 */
export function guestBookingMail(
  kind: BookingMailKind | 'manage_link',
  booking: Booking,
  site: string,
  link: string,
  locale: string,
): Mail {
  const t = translator(locale);
  const reference = booking.reference;
  if (kind === 'awaiting_confirmation') {
    const until = booking.holdExpiresAt?.toISOString().slice(0, 16).replace('T', ' ');
    const lines = [
      t('guest.made', { reference, site }),
      '',
      t('guest.held', { until: until ?? '', link }),
      '',
      t('guest.notYou'),
    ];
    return {
      subject: `${t('booking.awaiting_confirmation')} (${reference})`,
      ...mailBody(lines, link, t('guest.confirm')),
    };
  }
  const what =
    kind === 'manage_link'
      ? t('guest.newLink')
      : kind === 'payment_failed' && !booking.payment
        ? t('guest.notConfirmedInTime') // a free booking's hold ran out: there was no payment
        : t(`booking.${kind}`);
  const lines = [t('guest.about', { what, reference, site }), '', t('guest.manage', { link }), '', t('guest.notYours')];
  return { subject: `${what} (${reference})`, ...mailBody(lines, link, t('open.booking', { reference })) };
}
