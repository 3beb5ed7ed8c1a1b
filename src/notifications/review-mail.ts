import type { Booking } from '../booking/booking.entity';
import type { Service } from '../catalog/service.entity';
import type { Review } from '../reviews/review.entity';
import { translator } from '../i18n';
import { mailBody, oneLine } from './booking-mail';

/** The email telling a provider that a customer reviewed one of its bookings, in the provider's language. */
export function reviewMail(
  review: Review,
  authorName: string,
  booking: Booking,
  service: Service,
  link: string,
  locale: string,
): { subject: string; text: string; html: string } {
  const t = translator(locale);
  const lines = [
    t('review.rated', { author: authorName, service: service.name, rating: review.rating }),
    '',
    t('review.booking', { reference: booking.reference }),
    ...(review.comment ? ['', review.comment] : []),
    '',
    t('review.answer', { id: review.id }),
    t('review.link', { link }),
  ];
  return {
    subject: oneLine(t('review.subject', { rating: review.rating, service: service.name })),
    ...mailBody(lines, link, t('review.button')),
  };
}
