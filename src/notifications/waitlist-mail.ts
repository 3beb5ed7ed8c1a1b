import type { Service } from '../catalog/service.entity';
import type { Slot } from '../scheduling/slot.entity';
import type { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import { priceOf } from '../booking/pricing';
import { mailBody, moneyText, oneLine } from './booking-mail';
import { readerRange, readerTime } from './mail-time';

/**
 * The email telling a waiting customer that seats are held for them until the offer ends, in their zone;
 * `link` is the front end's page, or null when there is none (the API call is named instead).
 */
export function waitlistOfferMail(
  entry: WaitlistEntry,
  slot: Slot,
  service: Service,
  link: string | null,
  readerZone: string,
): { subject: string; text: string; html: string } {
  const when = (date: Date) => readerTime(date, readerZone, service.timezone);
  const span = (slot: Slot) => readerRange(slot.startsAt, slot.endsAt, readerZone, service.timezone);
  const lines = [
    `A place is free for you: ${entry.partySize} seat(s) are held for you.`,
    '',
    `Service: ${service.name}`,
    `Slot: ${span(slot)}`,
    ...(entry.lines
      ? [
          `Price: ${moneyText(priceOf(entry.lines, entry.terms.currency).total, entry.terms.currency)} (at the prices of when you joined)`,
        ]
      : []),
    `Claim it before: ${when(entry.offerExpiresAt!)}`,
    '',
    link ? `Claim it at ${link}` : `Claim it with claimWaitlistOffer(id: "${entry.id}") in the API.`,
  ];
  return { subject: oneLine(`A place is free for you: ${service.name}`), ...mailBody(lines, link, 'Claim your place') };
}
