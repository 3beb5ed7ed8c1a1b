import Decimal from 'decimal.js';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { lineAmount, priceOf, unitPrice, type PriceLine } from '../booking/pricing';
import type { Service } from '../catalog/service.entity';
import type { Proposal } from '../proposals/proposal.entity';
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

const SUBJECTS: Record<ProposalMailKind, string> = {
  received: 'New booking proposal',
  accepted: 'Your proposal was accepted',
  declined: 'Your proposal was declined',
  withdrawn: 'A proposal was withdrawn',
  expired: 'Your proposal expired without an answer',
  countered: 'Your proposal has a counter-offer',
  counter_accepted: 'Your counter-offer was accepted',
};

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
  /** The front end's proposal page, or null when there is none (the API call is named instead). */
  link: string | null;
  customerName: string;
  /** The booking an accepted proposal made, and the reader's link to it. */
  booking: Booking | null;
  bookingLink: string | null;
}

const CATEGORY_NAMES = { ADULT: 'adult(s)', CHILD: 'child(ren)', INFANT: 'infant(s)' } as const;

/** A price as its lines, tax and total, each line on its slot's time. */
function priceText(
  label: string,
  lines: PriceLine[],
  currency: string,
  slots: Slot[],
  when: (date: Date) => string,
): string[] {
  const { tax, total } = priceOf(lines, currency);
  const slotTime = (slotId: number) => {
    const slot = slots.find((one) => one.id === slotId);
    return slot ? when(slot.startsAt) : `slot ${slotId}`;
  };
  return [
    `${label}: ${moneyText(total, currency)}`,
    ...lines.map(
      (line) =>
        `- ${slotTime(line.slotId)}: ${line.count} ${CATEGORY_NAMES[line.category]} x ${moneyText(unitPrice(line), currency)} = ${moneyText(lineAmount(line), currency)}`,
    ),
    ...(new Decimal(tax).isZero() ? [] : [`- tax: ${moneyText(tax, currency)}`]),
  ];
}

/** The slots the provider offers instead, at what price, its message, and (while open) until when the customer may accept. */
function counterOffer(
  proposal: Proposal,
  when: (date: Date) => string,
  span: (slot: Slot) => string,
  open: boolean,
): string[] {
  const slots = proposal.counterSlots.getItems().sort(byStart);
  return [
    '',
    'Offered instead:',
    ...slots.map((slot) => `Slot: ${span(slot)}`),
    ...(proposal.counterLines && proposal.counterTerms
      ? priceText('Price of the offer', proposal.counterLines, proposal.counterTerms.currency, slots, when)
      : []),
    ...(proposal.counterMessage ? [`Their message: ${proposal.counterMessage}`] : []),
    ...(open ? [`Accept by: ${when(proposal.expiresAt)}`] : []),
  ];
}

/** What an accepted proposal's customer pays, by when, and how; or that nothing is paid by card here. */
function payment(booking: Booking, reader: ProposalReader, when: (date: Date) => string): string[] {
  const total = moneyText(booking.total, booking.currency);
  if (booking.status !== BookingStatus.PENDING_PAYMENT || !booking.holdExpiresAt)
    return new Decimal(booking.total).isZero()
      ? [`Booking: ${booking.reference}, free of charge`]
      : [`Booking: ${booking.reference}, ${total}, not paid by card here: pay the provider as agreed with them`];
  return [
    `Booking: ${booking.reference}`,
    `To pay: ${total} by card`,
    `Pay by: ${when(booking.holdExpiresAt)}. The seats are held for you until then; unpaid, they are released.`,
    reader.link
      ? `How to pay: open ${reader.bookingLink} and pay by card.`
      : `How to pay: in the app you proposed from, which completes the card payment with Stripe (the payment.clientSecret of booking(id: "${booking.id}") in the API).`,
  ];
}

/** What the reader can do about the proposal, through the API, when there is no front end to link to. */
const API_ACTIONS: Partial<Record<ProposalMailKind, string>> = {
  received: 'acceptProposal, counterPropose or declineProposal',
  countered: 'acceptCounterProposal',
};

/** A proposal email in the reader's zone, with the price of what it is about. */
export function proposalMail(
  kind: ProposalMailKind,
  proposal: Proposal,
  service: Service,
  slots: Slot[],
  reader: ProposalReader,
): { subject: string; text: string; html: string } {
  const when = (date: Date) => readerTime(date, reader.zone, service.timezone);
  const span = (slot: Slot) => readerRange(slot.startsAt, slot.endsAt, reader.zone, service.timezone);
  const action = API_ACTIONS[kind];
  const currency = proposal.terms.currency;
  const lines = [
    `${SUBJECTS[kind]}.`,
    '',
    `Service: ${service.name}`,
    ...(PROPOSAL_MAIL_TO[kind] === 'provider' ? [`Proposed by: ${reader.customerName}`] : []),
    ...slots.map((slot) => `Slot: ${span(slot)}`),
    `Party: ${proposal.adults} adult(s), ${proposal.children} child(ren), ${proposal.infants} infant(s)`,
    ...(kind === 'received' || kind === 'withdrawn'
      ? priceText('Proposed price', proposal.lines, currency, slots, when)
      : []),
    ...(proposal.message ? [`Message: ${proposal.message}`] : []),
    ...(kind === 'declined' && proposal.declineReason ? [`Reason: ${proposal.declineReason}`] : []),
    ...(kind === 'received' ? [`Answer by: ${when(proposal.expiresAt)}`] : []),
    ...(kind === 'countered' || kind === 'counter_accepted'
      ? counterOffer(proposal, when, span, kind === 'countered')
      : []),
    ...(kind === 'accepted' && reader.booking ? ['', ...payment(reader.booking, reader, when)] : []),
    '',
    reader.link
      ? `See it at ${reader.link}`
      : `Proposal id: ${proposal.id}${action ? ` (answer with ${action} in the API)` : ''}`,
  ];
  return {
    subject: oneLine(`${SUBJECTS[kind]}: ${service.name}`),
    ...mailBody(lines, reader.link, 'Open proposal'),
  };
}
