import Decimal from 'decimal.js';
import type { MoneyOutcome } from '../booking/booking-events';
import type { Booking } from '../booking/booking.entity';
import type { Service } from '../catalog/service.entity';
import type { TimeRun } from '../booking/booking-runs';
import { guestLines } from '../booking/guest-lines';
import { formatAmount } from '../core/money';
import { readerSpan, readerTime } from './mail-time';

export type BookingMailKind =
  | 'created'
  | 'changed'
  | 'cancelled'
  | 'reminder'
  | 'payment_failed'
  | 'refunded'
  | 'refund_failed'
  | 'meeting_link'
  | 'completed'
  | 'no_show'
  | 'follow_up'
  | 'payment_mismatch'
  | 'awaiting_confirmation';

export const SUBJECTS: Record<BookingMailKind, string> = {
  created: 'Booking confirmed',
  changed: 'Booking changed',
  cancelled: 'Booking cancelled',
  reminder: 'Reminder: your booking is tomorrow',
  payment_failed: 'Payment not completed, booking released',
  refunded: 'Refund issued',
  refund_failed: 'A refund was refused by the bank',
  meeting_link: 'Your meeting link',
  completed: 'Booking completed',
  no_show: 'Booking marked as a no-show',
  follow_up: 'How was it? Review your booking',
  payment_mismatch: 'A payment was reported for the wrong amount',
  awaiting_confirmation: 'Confirm your booking',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Header values never carry line breaks, whatever users typed. */
export const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

/** An amount as every email writes it: the currency's minor-unit digits, then the ISO code ("80.00 EUR"). */
export function moneyText(amount: Decimal.Value, currency: string): string {
  return `${formatAmount(amount, currency)} ${currency}`;
}

/** Who made a change, as the email names them. */
export type ChangeActor = 'customer' | 'provider' | 'admin' | 'system';

/** One reader of a booking email: the customer (or, later, the contact it is for) or the provider. */
export interface MailReader {
  side: 'customer' | 'provider';
  /** The reader's own zone (`User.timezone`): every time in the email is written in it. */
  zone: string;
  /** The reader's link to the booking and, for the customer, to its review. */
  link: string;
  reviewLink: string;
  /** The customer's manage link (see, confirm, cancel, move it without signing in); none for the provider. */
  manageLink?: string;
}

/** What one booking email says besides the booking itself: the people, and the facts of the change. */
export interface BookingMailFacts {
  customerName: string;
  providerName: string;
  /** The booking's runs of consecutive slots now (booking-runs.ts): one time line each. */
  runs: TimeRun[];
  /** Who made the change (a cancellation, a change), and why, when they said. */
  actor?: ChangeActor;
  reason?: string | null;
  /** What the change did to the money paid, as it was decided then. */
  money?: MoneyOutcome;
  /** What a changed booking was before the change. */
  before?: BookingBefore;
}

export interface BookingBefore {
  runs: TimeRun[];
  party: { adults: number; children: number; infants: number };
  total: string;
}

const partyText = (party: BookingBefore['party']) =>
  `${party.adults} adult(s), ${party.children} child(ren), ${party.infants} infant(s)`;

const sameRun = (a: TimeRun, b: TimeRun): boolean =>
  a.startsAt.getTime() === b.startsAt.getTime() && a.endsAt.getTime() === b.endsAt.getTime();

/** A run of slots in the reader's zone, and at the service when that reads differently. */
type Span = (run: TimeRun) => { reader: string; service: string | null };

/**
 * How the booking's times moved, before → after, in the reader's zone with the service's below it when it
 * reads differently. One run of slots each: one line; several: one item per run, paired in order (a run
 * with no partner was added or removed).
 */
function timeChangeLines(before: TimeRun[], after: TimeRun[], span: Span): string[] {
  if (before.length === after.length && before.every((run, index) => sameRun(run, after[index]))) return [];
  const moved = (was: TimeRun | undefined, now: TimeRun | undefined, indent: string): string[] => {
    const [from, to] = [was && span(was), now && span(now)];
    if (from && to && sameRun(was!, now!))
      return [`${from.reader}, unchanged`, ...(from.service ? [`${indent}at the service: ${from.service}`] : [])];
    const side = (which: 'reader' | 'service') => [from?.[which] ?? 'added', to?.[which] ?? 'removed'].join(' → ');
    return [side('reader'), ...((from ?? to)!.service ? [`${indent}at the service: ${side('service')}`] : [])];
  };
  if (before.length === 1 && after.length === 1) {
    const [first, ...rest] = moved(before[0], after[0], '  ');
    return [`Time: ${first}`, ...rest];
  }
  return [
    'Times:',
    ...Array.from({ length: Math.max(before.length, after.length) }, (_, index) => {
      const [first, ...rest] = moved(before[index], after[index], '    ');
      return [`  - ${first}`, ...rest];
    }).flat(),
  ];
}

/** A change's differences, one line each, in the reader's time. */
function changeLines(booking: Booking, before: BookingBefore, runs: TimeRun[], span: Span): string[] {
  const lines = timeChangeLines(before.runs, runs, span);
  const party = partyText(booking);
  if (partyText(before.party) !== party) lines.push(`Party: was ${partyText(before.party)}; now ${party}`);
  if (!new Decimal(before.total).eq(booking.total)) {
    lines.push(
      `Total: was ${moneyText(before.total, booking.currency)}; now ${moneyText(booking.total, booking.currency)}`,
    );
  }
  return lines;
}

/** What a cancellation or a change did to the money paid, in one line for the reader, or none. */
function refundLine(money: MoneyOutcome | undefined, currency: string): string[] {
  switch (money?.kind) {
    case 'refund':
      return [
        `Refund: ${moneyText(money.amount, currency)}${money.full ? ' (the full amount)' : ''} ${money.byCard ? 'is being refunded to the card; you will be told when the bank has paid it' : 'was recorded as given back'}`,
      ];
    case 'late':
      return new Decimal(money.amount).isZero()
        ? [
            `Refund: none. Nothing comes back: this was done less than ${money.cutoffHours} hours before the start, and the refund policy agreed at booking gives nothing back then. The provider may still refund by hand.`,
          ]
        : [
            `Refund: ${moneyText(money.amount, currency)} only, the share the refund policy agreed at booking gives back less than ${money.cutoffHours} hours before the start; it is being refunded to the card.`,
          ];
    case 'stopped':
      return ['Refund: none needed: the card payment was stopped; nothing was charged'];
    case 'offline':
      return ['Refund: no card payment was taken here; money paid in other ways is refunded by the provider'];
    default:
      return [];
  }
}

const ACTOR_NAMES: Record<ChangeActor, (facts: BookingMailFacts) => string> = {
  customer: (facts) => `the customer (${facts.customerName})`,
  provider: (facts) => `the provider (${facts.providerName})`,
  admin: () => 'an administrator',
  system: () => 'the system',
};

/** The lines only one kind of email has, for one reader. */
function kindLines(
  kind: BookingMailKind,
  booking: Booking,
  service: Service,
  facts: BookingMailFacts,
  reader: MailReader,
  span: Span,
): string[] {
  const by = facts.actor
    ? [`${kind === 'cancelled' ? 'Cancelled' : 'Changed'} by: ${ACTOR_NAMES[facts.actor](facts)}`]
    : [];
  const reason = facts.reason ? [`Reason: ${facts.reason}`] : [];
  const money = facts.money;
  switch (kind) {
    case 'cancelled':
      return [...by, ...reason, ...refundLine(money, booking.currency)];
    case 'changed':
      return [
        ...by,
        ...reason,
        ...(facts.before
          ? [
              'What changed:',
              ...changeLines(booking, facts.before, facts.runs, span).map((line) =>
                line.startsWith('  ') ? line : `- ${line}`,
              ),
            ]
          : []),
        ...refundLine(money, booking.currency),
      ];
    case 'payment_failed':
      return ['Released by: the system (the payment was not completed in time)'];
    case 'refunded':
      return [
        ...(money?.kind === 'returned'
          ? [
              `${reader.side === 'customer' ? 'Refunded to you' : 'Refunded to the customer'}: ${moneyText(money.amount, booking.currency)}${booking.payment ? ' (the bank confirmed it)' : ''}`,
            ]
          : []),
        `Refunded in all: ${moneyText(booking.refundedAmount ?? 0, booking.currency)} of ${moneyText(booking.total, booking.currency)}`,
      ];
    case 'refund_failed': {
      const what = money?.kind === 'refused' ? `${moneyText(money.amount, booking.currency)} ` : '';
      const why = money?.kind === 'refused' ? [`The bank's reason: ${money.why}`] : [];
      return reader.side === 'provider'
        ? [
            `The bank refused a refund of ${what}on this booking: the customer has not been paid it back. Refund by other means or try again (refundBooking).`,
            ...why,
          ]
        : [
            `The refund of ${what}on this booking that we told you of did not reach you: the bank returned it. The provider has been told.`,
            ...why,
          ];
    }
    case 'payment_mismatch':
      return money?.kind === 'mismatch'
        ? [
            `Stripe reported a payment of ${money.reported} for this booking, which costs ${money.expected}. It did not confirm the booking: check the payment in your Stripe dashboard.`,
          ]
        : [];
    case 'completed':
      return [`Thank you for booking with ${facts.providerName}.`, `You can review it at ${reader.reviewLink}`];
    case 'no_show':
      return [
        `${facts.providerName} marked this booking as a no-show. If you did attend, contact them.`,
        ...(booking.payment ? ['A no-show is not refunded.'] : []),
      ];
    case 'follow_up':
      return [`We hope you enjoyed ${service.name}. Tell others how it was: review it at ${reader.reviewLink}`];
    default:
      return [];
  }
}

/**
 * Who the email is with: the provider names who booked, the guest it is for (name and how to reach them:
 * the provider may need to), the party's needs, diet and accessibility (a safety matter); the customer the provider.
 */
function otherParty(booking: Booking, facts: BookingMailFacts, reader: MailReader): string[] {
  if (reader.side === 'customer') return [`With: ${facts.providerName}`];
  return [`Booked by: ${facts.customerName}`, ...guestLines(booking)];
}

/** When the booking takes place: From and To for one run of slots, one item per run for separate ones. */
function timeLines(runs: TimeRun[], when: (date: Date) => string, span: Span): string[] {
  if (runs.length === 1) return [`From: ${when(runs[0].startsAt)}`, `To: ${when(runs[0].endsAt)}`];
  return [
    `When (${runs.length} separate times):`,
    ...runs.flatMap((run) => {
      const { reader, service } = span(run);
      return [`  - ${reader}`, ...(service ? [`    at the service: ${service}`] : [])];
    }),
  ];
}

/** Subject, plain text and HTML of a booking email for one reader, with times in the reader's zone and a link back. */
export function bookingMail(
  kind: BookingMailKind,
  booking: Booking,
  service: Service,
  facts: BookingMailFacts,
  reader: MailReader,
): { subject: string; text: string; html: string } {
  const when = (date: Date) => readerTime(date, reader.zone, service.timezone);
  const span: Span = (run) => readerSpan(run.startsAt, run.endsAt, reader.zone, service.timezone);
  const subject = oneLine(`${SUBJECTS[kind]}: ${service.name} (${booking.reference})`);
  const lines = [
    `${SUBJECTS[kind]}.`,
    '',
    ...kindLines(kind, booking, service, facts, reader, span),
    '',
    `Service: ${service.name}`,
    ...otherParty(booking, facts, reader),
    `Reference: ${booking.reference}`,
    ...timeLines(facts.runs, when, span),
    `Party: ${partyText(booking)}`,
    `Total: ${moneyText(booking.total, booking.currency)}`,
    ...(booking.meetingUrl ? [`Meeting: ${booking.meetingUrl}`] : []),
    ...(booking.notes ? [`Notes: ${booking.notes}`] : []),
    '',
    `See it at ${reader.link}`,
    ...(reader.manageLink ? [`Cancel or move it (no sign-in needed): ${reader.manageLink}`] : []),
  ];
  return {
    subject,
    ...mailBody(
      lines.filter((line, index) => line !== '' || lines[index - 1] !== ''),
      reader.link,
      `Open booking ${booking.reference}`,
    ),
  };
}

/** Plain text and HTML of an email from its lines, with a link at the end when there is a page to link to. */
export function mailBody(lines: string[], link: string | null, linkLabel: string): { text: string; html: string } {
  const paragraph = `<p>${lines
    .filter((line) => line !== '')
    .map(escapeHtml)
    .join('<br>\n')}</p>`;
  const html = link ? `${paragraph}\n<p><a href="${escapeHtml(link)}">${escapeHtml(linkLabel)}</a></p>` : paragraph;
  return { text: lines.join('\n'), html };
}
