/**
 * The English messages of emails and pages: the reference catalogue. A translation (it.ts) has every key
 * of this one (the compiler checks it); `{name}` marks where a value goes, and a translation may move it.
 */
export const en = {
  // Subjects, and the first line of each booking email.
  'booking.created': 'Booking confirmed',
  'booking.changed': 'Booking changed',
  'booking.cancelled': 'Booking cancelled',
  'booking.reminder': 'Reminder: your booking is tomorrow',
  'booking.payment_failed': 'Payment not completed, booking released',
  'booking.refunded': 'Refund issued',
  'booking.refund_failed': 'A refund was refused by the bank',
  'booking.meeting_link': 'Your meeting link',
  'booking.completed': 'Booking completed',
  'booking.no_show': 'Booking marked as a no-show',
  'booking.follow_up': 'How was it? Review your booking',
  'booking.payment_mismatch': 'A payment was reported for the wrong amount',

  party: '{adults} adult(s), {children} child(ren), {infants} infant(s)',
  'field.service': 'Service: {value}',
  'field.with': 'With: {value}',
  'field.bookedBy': 'Booked by: {value}',
  'field.reference': 'Reference: {value}',
  'field.from': 'From: {value}',
  'field.to': 'To: {value}',
  'field.party': 'Party: {value}',
  'field.total': 'Total: {value}',
  'field.meeting': 'Meeting: {value}',
  'field.notes': 'Notes: {value}',
  'field.guest': 'Guest: {value}',
  'field.needs': 'Needs: {value}',
  'field.diet': 'Dietary restrictions: {value}',
  'field.accessibility': 'Accessibility needs: {value}',
  'field.reason': 'Reason: {value}',
  'field.answers': 'Answers:',
  'answer.yes': 'yes',
  'answer.no': 'no',
  'when.separate': 'When ({count} separate times):',
  'when.atService': 'at the service: {value}',
  'when.both': '{reader}; at the service: {service}',
  'when.range': '{from} to {to}',
  'see.it': 'See it at {link}',
  'open.booking': 'Open booking {reference}',

  'change.cancelledBy': 'Cancelled by: {who}',
  'change.changedBy': 'Changed by: {who}',
  'change.what': 'What changed:',
  'change.time': 'Time: {value}',
  'change.times': 'Times:',
  'change.unchanged': '{value}, unchanged',
  'change.added': 'added',
  'change.removed': 'removed',
  'change.party': 'Party: was {was}; now {now}',
  'change.total': 'Total: was {was}; now {now}',
  'actor.customer': 'the customer ({name})',
  'actor.provider': 'the provider ({name})',
  'actor.admin': 'an administrator',
  'actor.system': 'the system',

  'refund.card': 'Refund: {amount}{full} is being refunded to the card; you will be told when the bank has paid it',
  'refund.recorded': 'Refund: {amount}{full} was recorded as given back',
  'refund.full': ' (the full amount)',
  'refund.lateNone':
    'Refund: none. Nothing comes back: this was done less than {hours} hours before the start, and the refund policy agreed at booking gives nothing back then. The provider may still refund by hand.',
  'refund.lateShare':
    'Refund: {amount} only, the share the refund policy agreed at booking gives back less than {hours} hours before the start; it is being refunded to the card.',
  'refund.stopped': 'Refund: none needed: the card payment was stopped; nothing was charged',
  'refund.offline': 'Refund: no card payment was taken here; money paid in other ways is refunded by the provider',

  'released.system': 'Released by: the system (the payment was not completed in time)',
  'refunded.toYou': 'Refunded to you: {amount}{confirmed}',
  'refunded.toCustomer': 'Refunded to the customer: {amount}{confirmed}',
  'refunded.confirmed': ' (the bank confirmed it)',
  'refunded.inAll': 'Refunded in all: {refunded} of {total}',
  'refundFailed.provider':
    'The bank refused a refund of {amount}on this booking: the customer has not been paid it back. Refund by other means or try again (refundBooking).',
  'refundFailed.customer':
    'The refund of {amount}on this booking that we told you of did not reach you: the bank returned it. The provider has been told.',
  'refundFailed.why': "The bank's reason: {why}",
  mismatch:
    'Stripe reported a payment of {reported} for this booking, which costs {expected}. It did not confirm the booking: check the payment in your Stripe dashboard.',
  'completed.thanks': 'Thank you for booking with {provider}.',
  'completed.review': 'You can review it at {link}',
  'noShow.marked': '{provider} marked this booking as a no-show. If you did attend, contact them.',
  'noShow.noRefund': 'A no-show is not refunded.',
  'followUp.review': 'We hope you enjoyed {service}. Tell others how it was: review it at {link}',

  'waitlist.subject': 'A place is free for you: {service}',
  'waitlist.held': 'A place is free for you: {seats} seat(s) are held for you.',
  'waitlist.slot': 'Slot: {value}',
  'waitlist.price': 'Price: {value} (at the prices of when you joined)',
  'waitlist.before': 'Claim it before: {value}',
  'waitlist.claimAt': 'Claim it at {link}',
  'waitlist.claimApi': 'Claim it with claimWaitlistOffer(id: "{id}") in the API.',
  'waitlist.claim': 'Claim your place',
};

export type MessageKey = keyof typeof en;
