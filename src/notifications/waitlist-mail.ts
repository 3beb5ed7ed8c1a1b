import type { Service } from '../catalog/service.entity';
import type { Slot } from '../scheduling/slot.entity';
import type { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import { priceOf } from '../booking/pricing';
import { mailBody, moneyText, oneLine } from './booking-mail';
import { translator } from '../i18n';
import { readerRange, readerTime } from './mail-time';

/**
 * The email telling a waiting customer that seats are held for them until the offer ends, in their zone;
 * in their language; `link` is the front end's page, or null when there is none (the API call is named instead).
 */
export function waitlistOfferMail(
  entry: WaitlistEntry,
  slot: Slot,
  service: Service,
  link: string | null,
  readerZone: string,
  locale: string,
): { subject: string; text: string; html: string } {
  const t = translator(locale);
  const when = (date: Date) => readerTime(date, readerZone, service.timezone, locale);
  const span = (slot: Slot) => readerRange(slot.startsAt, slot.endsAt, readerZone, service.timezone, locale);
  const lines = [
    t('waitlist.held', { seats: entry.partySize }),
    '',
    t('field.service', { value: service.name }),
    t('waitlist.slot', { value: span(slot) }),
    ...(entry.lines
      ? [
          t('waitlist.price', {
            value: moneyText(priceOf(entry.lines, entry.terms.currency).total, entry.terms.currency),
          }),
        ]
      : []),
    t('waitlist.before', { value: when(entry.offerExpiresAt!) }),
    '',
    link ? t('waitlist.claimAt', { link }) : t('waitlist.claimApi', { id: entry.id }),
  ];
  return {
    subject: oneLine(t('waitlist.subject', { service: service.name })),
    ...mailBody(lines, link, t('waitlist.claim')),
  };
}
