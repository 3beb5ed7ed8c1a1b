import Decimal from 'decimal.js';
import type { MoneyOutcome } from '../booking/booking-events';
import type { Booking } from '../booking/booking.entity';
import type { Service } from '../catalog/service.entity';
import type { TimeRun } from '../booking/booking-runs';
import { guestLines } from '../booking/guest-lines';
import { formatAmount } from '../core/money';
import { translator, type Translate } from '../i18n';
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
  /** The reader's language (`User.locale`): every word of the email is written in it. */
  locale: string;
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

const partyText = (t: Translate, party: BookingBefore['party']) =>
  t('party', { adults: party.adults, children: party.children, infants: party.infants });

const sameRun = (a: TimeRun, b: TimeRun): boolean =>
  a.startsAt.getTime() === b.startsAt.getTime() && a.endsAt.getTime() === b.endsAt.getTime();

/** A run of slots in the reader's zone, and at the service when that reads differently. */
type Span = (run: TimeRun) => { reader: string; service: string | null };

/**
 * How the booking's times moved, before → after, in the reader's zone with the service's below it when it
 * reads differently. One run of slots each: one line; several: one item per run, paired in order (a run
 * with no partner was added or removed).
 */
function timeChangeLines(t: Translate, before: TimeRun[], after: TimeRun[], span: Span): string[] {
  if (before.length === after.length && before.every((run, index) => sameRun(run, after[index]))) return [];
  const atService = (indent: string, value: string) => `${indent}${t('when.atService', { value })}`;
  const moved = (was: TimeRun | undefined, now: TimeRun | undefined, indent: string): string[] => {
    const [from, to] = [was && span(was), now && span(now)];
    if (from && to && sameRun(was!, now!))
      return [
        t('change.unchanged', { value: from.reader }),
        ...(from.service ? [atService(indent, from.service)] : []),
      ];
    const side = (which: 'reader' | 'service') =>
      [from?.[which] ?? t('change.added'), to?.[which] ?? t('change.removed')].join(' → ');
    return [side('reader'), ...((from ?? to)!.service ? [atService(indent, side('service'))] : [])];
  };
  if (before.length === 1 && after.length === 1) {
    const [first, ...rest] = moved(before[0], after[0], '  ');
    return [t('change.time', { value: first }), ...rest];
  }
  return [
    t('change.times'),
    ...Array.from({ length: Math.max(before.length, after.length) }, (_, index) => {
      const [first, ...rest] = moved(before[index], after[index], '    ');
      return [`  - ${first}`, ...rest];
    }).flat(),
  ];
}

/** A change's differences, one line each, in the reader's time. */
function changeLines(t: Translate, booking: Booking, before: BookingBefore, runs: TimeRun[], span: Span): string[] {
  const lines = timeChangeLines(t, before.runs, runs, span);
  const party = partyText(t, booking);
  if (partyText(t, before.party) !== party)
    lines.push(t('change.party', { was: partyText(t, before.party), now: party }));
  if (!new Decimal(before.total).eq(booking.total)) {
    lines.push(
      t('change.total', {
        was: moneyText(before.total, booking.currency),
        now: moneyText(booking.total, booking.currency),
      }),
    );
  }
  return lines;
}

/** What a cancellation or a change did to the money paid, in one line for the reader, or none. */
function refundLine(t: Translate, money: MoneyOutcome | undefined, currency: string): string[] {
  switch (money?.kind) {
    case 'refund':
      return [
        t(money.byCard ? 'refund.card' : 'refund.recorded', {
          amount: moneyText(money.amount, currency),
          full: money.full ? t('refund.full') : '',
        }),
      ];
    case 'late':
      return new Decimal(money.amount).isZero()
        ? [t('refund.lateNone', { hours: money.cutoffHours })]
        : [t('refund.lateShare', { amount: moneyText(money.amount, currency), hours: money.cutoffHours })];
    case 'stopped':
      return [t('refund.stopped')];
    case 'offline':
      return [t('refund.offline')];
    default:
      return [];
  }
}

const ACTOR_NAMES: Record<ChangeActor, (t: Translate, facts: BookingMailFacts) => string> = {
  customer: (t, facts) => t('actor.customer', { name: facts.customerName }),
  provider: (t, facts) => t('actor.provider', { name: facts.providerName }),
  admin: (t) => t('actor.admin'),
  system: (t) => t('actor.system'),
};

/** What a booking email's lines are written from: the booking, the facts of the change, the reader. */
interface MailParts {
  t: Translate;
  booking: Booking;
  service: Service;
  facts: BookingMailFacts;
  reader: MailReader;
  span: Span;
}

/** Who made a cancellation or a change, and why when they said. */
function byAndWhy({ t, facts }: MailParts, by: 'change.cancelledBy' | 'change.changedBy'): string[] {
  return [
    ...(facts.actor ? [t(by, { who: ACTOR_NAMES[facts.actor](t, facts) })] : []),
    ...(facts.reason ? [t('field.reason', { value: facts.reason })] : []),
  ];
}

/** What a change changed, as a list, when the email knows what the booking was. */
function changeList({ t, booking, facts, span }: MailParts): string[] {
  if (!facts.before) return [];
  const lines = changeLines(t, booking, facts.before, facts.runs, span);
  return [t('change.what'), ...lines.map((line) => (line.startsWith('  ') ? line : `- ${line}`))];
}

/** Money that came back: this return, to the reader's side, and how much of the total came back in all. */
function refundedLines({ t, booking, facts: { money }, reader }: MailParts): string[] {
  const returned =
    money?.kind === 'returned'
      ? [
          t(reader.side === 'customer' ? 'refunded.toYou' : 'refunded.toCustomer', {
            amount: moneyText(money.amount, booking.currency),
            confirmed: booking.payment ? t('refunded.confirmed') : '',
          }),
        ]
      : [];
  const inAll = t('refunded.inAll', {
    refunded: moneyText(booking.refundedAmount ?? 0, booking.currency),
    total: moneyText(booking.total, booking.currency),
  });
  return [...returned, inAll];
}

/** A refund that did not go through: how much, to the reader's side, and why when the bank said. */
function refundFailedLines({ t, booking, facts: { money }, reader }: MailParts): string[] {
  const refused = money?.kind === 'refused' ? money : undefined;
  const what = refused ? `${moneyText(refused.amount, booking.currency)} ` : '';
  return [
    t(reader.side === 'provider' ? 'refundFailed.provider' : 'refundFailed.customer', { amount: what }),
    ...(refused ? [t('refundFailed.why', { why: refused.why })] : []),
  ];
}

/** The lines only one kind of email has, for one reader; the kinds not named have none. */
const KIND_LINES: Partial<Record<BookingMailKind, (parts: MailParts) => string[]>> = {
  cancelled: (parts) => [
    ...byAndWhy(parts, 'change.cancelledBy'),
    ...refundLine(parts.t, parts.facts.money, parts.booking.currency),
  ],
  changed: (parts) => [
    ...byAndWhy(parts, 'change.changedBy'),
    ...changeList(parts),
    ...refundLine(parts.t, parts.facts.money, parts.booking.currency),
  ],
  payment_failed: ({ t }) => [t('released.system')],
  refunded: refundedLines,
  refund_failed: refundFailedLines,
  payment_mismatch: ({ t, facts: { money } }) =>
    money?.kind === 'mismatch' ? [t('mismatch', { reported: money.reported, expected: money.expected })] : [],
  completed: ({ t, facts, reader }) => [
    t('completed.thanks', { provider: facts.providerName }),
    t('completed.review', { link: reader.reviewLink }),
  ],
  no_show: ({ t, booking, facts }) => [
    t('noShow.marked', { provider: facts.providerName }),
    ...(booking.payment ? [t('noShow.noRefund')] : []),
  ],
  follow_up: ({ t, service, reader }) => [t('followUp.review', { service: service.name, link: reader.reviewLink })],
};

/**
 * Who the email is with: the provider names who booked, the guest it is for (name and how to reach them:
 * the provider may need to), the party's needs, diet and accessibility (a safety matter); the customer the provider.
 */
function otherParty(t: Translate, booking: Booking, facts: BookingMailFacts, reader: MailReader): string[] {
  if (reader.side === 'customer') return [t('field.with', { value: facts.providerName })];
  return [t('field.bookedBy', { value: facts.customerName }), ...guestLines(booking, reader.locale)];
}

/** The answers to the service's questions, as asked, a yes or no in the reader's words. */
function answerLines(t: Translate, booking: Booking): string[] {
  if (booking.answers.length === 0) return [];
  const shown = (value: string, kind: string) =>
    kind === 'YES_NO' ? t(value === 'yes' ? 'answer.yes' : 'answer.no') : value;
  return [
    t('field.answers'),
    ...booking.answers.map((answer) => `- ${answer.question} ${shown(answer.value, answer.kind)}`),
  ];
}

/** When the booking takes place: From and To for one run of slots, one item per run for separate ones. */
function timeLines(t: Translate, runs: TimeRun[], when: (date: Date) => string, span: Span): string[] {
  if (runs.length === 1)
    return [t('field.from', { value: when(runs[0].startsAt) }), t('field.to', { value: when(runs[0].endsAt) })];
  return [
    t('when.separate', { count: runs.length }),
    ...runs.flatMap((run) => {
      const { reader, service } = span(run);
      return [`  - ${reader}`, ...(service ? [`    ${t('when.atService', { value: service })}`] : [])];
    }),
  ];
}

/** The booking itself, as every booking email states it, times in the reader's zone. */
function bookingLines({ t, booking, service, facts, reader, span }: MailParts): string[] {
  const when = (date: Date) => readerTime(date, reader.zone, service.timezone, reader.locale);
  return [
    t('field.service', { value: service.name }),
    ...otherParty(t, booking, facts, reader),
    t('field.reference', { value: booking.reference }),
    ...timeLines(t, facts.runs, when, span),
    t('field.party', { value: partyText(t, booking) }),
    t('field.total', { value: moneyText(booking.total, booking.currency) }),
    ...(booking.meetingUrl ? [t('field.meeting', { value: booking.meetingUrl })] : []),
    ...(booking.notes ? [t('field.notes', { value: booking.notes })] : []),
    ...answerLines(t, booking),
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
  const t = translator(reader.locale);
  const span: Span = (run) => readerSpan(run.startsAt, run.endsAt, reader.zone, service.timezone, reader.locale);
  const parts: MailParts = { t, booking, service, facts, reader, span };
  const title = t(`booking.${kind}`);
  const subject = oneLine(`${title}: ${service.name} (${booking.reference})`);
  const lines = [
    `${title}.`,
    '',
    ...(KIND_LINES[kind]?.(parts) ?? []),
    '',
    ...bookingLines(parts),
    '',
    t('see.it', { link: reader.link }),
    ...(reader.manageLink ? [t('manage.link', { link: reader.manageLink })] : []),
  ];
  return {
    subject,
    ...mailBody(
      lines.filter((line, index) => line !== '' || lines[index - 1] !== ''),
      reader.link,
      t('open.booking', { reference: booking.reference }),
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
