import Decimal from 'decimal.js';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { lineAmount, priceOf, unitPrice, type PriceLine } from '../booking/pricing';
import type { Service } from '../catalog/service.entity';
import type { Proposal } from '../proposals/proposal.entity';
import { translator, type Translate } from '../i18n';
import { byStart, type Slot } from '../scheduling/slot.entity';
import { mailBody, moneyText, oneLine } from './booking-mail';
import { readerRange, readerTime } from './mail-time';

export type ProposalMailKind =
  | 'received'
  | 'accepted'
  | 'declined'
  | 'withdrawn'
  | 'expired'
  | 'countered'
  | 'counter_accepted';

/** Who reads each proposal email: the provider learns of new and withdrawn ones, the customer of the answer. */
export const PROPOSAL_MAIL_TO: Record<ProposalMailKind, 'provider' | 'customer'> = {
  received: 'provider',
  withdrawn: 'provider',
  accepted: 'customer',
  declined: 'customer',
  expired: 'customer',
  countered: 'customer',
  counter_accepted: 'provider',
};

/** The reader of a proposal email and what it tells them besides the proposal. */
export interface ProposalReader {
  zone: string;
  /** The reader's language (`User.locale`): every word of the email is written in it. */
  locale: string;
  /** The front end's proposal page, or null when there is none (the API call is named instead). */
  link: string | null;
  customerName: string;
  /** The booking an accepted proposal made, and the reader's link to it. */
  booking: Booking | null;
  bookingLink: string | null;
  /**
   * The server's address when the reader is a guest (no account, an address never proven): the email names
   * no link of the app and not the proposal's own message; `link` is then the page that accepts a
   * counter-offer, or null, `bookingLink` the booking's manage page, and the email says how else to answer
   * (sign up with the address).
   */
  guestSite?: string;
}

/** A price as its lines, tax and total, each line on its slot's time. */
function priceText(
  t: Translate,
  label: 'proposal.proposedPrice' | 'proposal.offerPrice',
  lines: PriceLine[],
  currency: string,
  slots: Slot[],
  when: (date: Date) => string,
): string[] {
  const { tax, total } = priceOf(lines, currency);
  const slotTime = (slotId: number) => {
    const slot = slots.find((one) => one.id === slotId);
    return slot ? when(slot.startsAt) : t('proposal.slotId', { id: slotId });
  };
  return [
    t(label, { value: moneyText(total, currency) }),
    ...lines.map((line) =>
      t('proposal.line', {
        slot: slotTime(line.slotId),
        count: line.count,
        category: t(`category.${line.category}`),
        unit: moneyText(unitPrice(line), currency),
        amount: moneyText(lineAmount(line), currency),
      }),
    ),
    ...(new Decimal(tax).isZero() ? [] : [t('proposal.tax', { value: moneyText(tax, currency) })]),
  ];
}

/** The slots the provider offers instead, at what price, its message, and (while open) until when the customer may accept. */
function counterOffer(
  t: Translate,
  proposal: Proposal,
  when: (date: Date) => string,
  span: (slot: Slot) => string,
  open: boolean,
): string[] {
  const slots = proposal.counterSlots.getItems().sort(byStart);
  return [
    '',
    t('proposal.offered'),
    ...slots.map((slot) => t('proposal.slot', { value: span(slot) })),
    ...(proposal.counterLines && proposal.counterTerms
      ? priceText(t, 'proposal.offerPrice', proposal.counterLines, proposal.counterTerms.currency, slots, when)
      : []),
    ...(proposal.counterMessage ? [t('proposal.theirMessage', { value: proposal.counterMessage })] : []),
    ...(open ? [t('proposal.acceptBy', { value: when(proposal.expiresAt) })] : []),
  ];
}

/** What an accepted proposal's customer pays, by when, and how; or that nothing is paid by card here. */
function payment(t: Translate, booking: Booking, reader: ProposalReader, when: (date: Date) => string): string[] {
  const [reference, total] = [booking.reference, moneyText(booking.total, booking.currency)];
  if (booking.status !== BookingStatus.PENDING_PAYMENT || !booking.holdExpiresAt)
    return new Decimal(booking.total).isZero()
      ? [t('proposal.free', { reference })]
      : [t('proposal.payOffline', { reference, total })];
  return [
    t('proposal.booking', { reference }),
    t('proposal.toPay', { total }),
    t('proposal.payBy', { time: when(booking.holdExpiresAt) }),
    // A guest pays on the booking's manage page (its Checkout link); a customer in the app, or through the API.
    reader.guestSite || reader.link
      ? t('proposal.payAt', { link: reader.bookingLink ?? '' })
      : t('proposal.payApi', { id: booking.id }),
  ];
}

/** The proposal's id, with what the reader can do about it through the API, when there is no front end to link to. */
const API_LINES: Partial<Record<ProposalMailKind, 'proposal.apiReceived' | 'proposal.apiCountered'>> = {
  received: 'proposal.apiReceived',
  countered: 'proposal.apiCountered',
};

/** A proposal email in the reader's zone and language, with the price of what it is about. */
export function proposalMail(
  kind: ProposalMailKind,
  proposal: Proposal,
  service: Service,
  slots: Slot[],
  reader: ProposalReader,
): { subject: string; text: string; html: string } {
  const t = translator(reader.locale);
  const when = (date: Date) => readerTime(date, reader.zone, service.timezone, reader.locale);
  const span = (slot: Slot) => readerRange(slot.startsAt, slot.endsAt, reader.zone, service.timezone, reader.locale);
  const currency = proposal.terms.currency;
  const title = t(`proposal.${kind}`);
  const lines = [
    `${title}.`,
    '',
    t('field.service', { value: service.name }),
    ...(PROPOSAL_MAIL_TO[kind] === 'provider' ? [t('proposal.proposedBy', { value: reader.customerName })] : []),
    ...slots.map((slot) => t('proposal.slot', { value: span(slot) })),
    t('field.party', {
      value: t('party', { adults: proposal.adults, children: proposal.children, infants: proposal.infants }),
    }),
    ...(kind === 'received' || kind === 'withdrawn'
      ? priceText(t, 'proposal.proposedPrice', proposal.lines, currency, slots, when)
      : []),
    ...(proposal.message && !reader.guestSite ? [t('proposal.message', { value: proposal.message })] : []),
    ...(kind === 'declined' && proposal.declineReason ? [t('field.reason', { value: proposal.declineReason })] : []),
    ...(kind === 'received' ? [t('proposal.answerBy', { value: when(proposal.expiresAt) })] : []),
    ...(kind === 'countered' || kind === 'counter_accepted'
      ? counterOffer(t, proposal, when, span, kind === 'countered')
      : []),
    ...(kind === 'accepted' && reader.booking ? ['', ...payment(t, reader.booking, reader, when)] : []),
    '',
    reader.guestSite
      ? reader.link
        ? t('proposal.acceptAt', { link: reader.link })
        : t('proposal.asGuest', { site: reader.guestSite })
      : reader.link
        ? t('see.it', { link: reader.link })
        : t(API_LINES[kind] ?? 'proposal.id', { id: proposal.id }),
  ];
  return {
    subject: oneLine(`${title}: ${service.name}`),
    ...mailBody(lines, reader.link, t('proposal.open')),
  };
}
