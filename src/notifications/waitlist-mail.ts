import { DateTime } from 'luxon';
import type { Service } from '../catalog/service.entity';
import type { Slot } from '../scheduling/slot.entity';
import type { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import { mailBody, oneLine } from './booking-mail';

/** The email telling a waiting customer that seats are held for them until the offer ends. */
export function waitlistOfferMail(entry: WaitlistEntry, slot: Slot, service: Service, link: string): { subject: string; text: string; html: string } {
  const when = (date: Date) => DateTime.fromJSDate(date, { zone: service.timezone }).setLocale('en').toFormat("ccc d LLL yyyy, HH:mm '('ZZZZ')'");
  const lines = [
    `A place is free for you: ${entry.partySize} seat(s) are held for you.`,
    '',
    `Service: ${service.name}`,
    `Slot: ${when(slot.startsAt)} to ${when(slot.endsAt)}`,
    `Claim it before: ${when(entry.offerExpiresAt!)}`,
    '',
    `Claim it at ${link}`,
  ];
  return { subject: oneLine(`A place is free for you: ${service.name}`), ...mailBody(lines, link, 'Claim your place') };
}
