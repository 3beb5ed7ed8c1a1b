import type { Booking } from '../booking/booking.entity';
import type { Service } from '../catalog/service.entity';
import type { Review } from '../reviews/review.entity';
import { mailBody, oneLine } from './booking-mail';

/** The email telling a provider that a customer reviewed one of its bookings. */
export function reviewMail(
  review: Review,
  authorName: string,
  booking: Booking,
  service: Service,
  link: string,
): { subject: string; text: string; html: string } {
  const lines = [
    `${authorName} reviewed ${service.name}: ${review.rating} out of 5.`,
    '',
    `Booking: ${booking.reference}`,
    ...(review.comment ? ['', review.comment] : []),
    '',
    `You may answer it once, with replyToReview (review ${review.id}).`,
    `The booking: ${link}`,
  ];
  return {
    subject: oneLine(`New review (${review.rating}/5): ${service.name}`),
    ...mailBody(lines, link, 'See the booking'),
  };
}
