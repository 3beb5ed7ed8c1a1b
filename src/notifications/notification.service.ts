import type { FilterQuery } from '@mikro-orm/core';
import { lockBookingWhere } from '../booking/booking-locks';
import { paginate, type Page, type PageArgs } from '../graphql/connection';
import { requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import type { Provider } from '../accounts/provider.entity';
import type { Service } from '../catalog/service.entity';
import type { BookingAction, BookingChanged, BookingSnapshot } from '../booking/booking-events';
import { Booking } from '../booking/booking.entity';
import { bookingRuns, runLabel, runsOf, type TimeRun } from '../booking/booking-runs';
import { BookingStatus } from '../booking/booking.enums';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { requeuedIfEarly } from '../core/jobs';
import { jobKeys, jobs, type MailedChange } from '../jobs';
import type { ProposalChanged } from '../proposals/proposal-events';
import { Proposal } from '../proposals/proposal.entity';
import { byStart, Slot } from '../scheduling/slot.entity';
import type { WaitlistOffered } from '../waitlist/waitlist-events';
import { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import {
  bookingMail,
  type BookingBefore,
  type BookingMailFacts,
  type BookingMailKind,
  type ChangeActor,
  type MailReader,
} from './booking-mail';
import { verificationMail } from './address-mail';
import { guestBookingMail } from './guest-mail';
import type { CalendarNames } from '../calendars/calendar-connector';
import { calendarBusyUnreadableMail, calendarReconnectMail } from './calendar-mail';
import { invite, type InviteDetails } from './invite';
import type { Links } from './links';
import { Message } from './message.entity';
import { PROPOSAL_MAIL_TO, proposalMail, type ProposalMailKind } from './proposal-mail';
import { waitlistOfferMail } from './waitlist-mail';
import type { ReviewCreated } from '../reviews/review-events';
import { Review } from '../reviews/review.entity';
import { reviewMail } from './review-mail';
import { MAX_ROWS } from '../graphql/limits';

const REMINDER_LEAD_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** Which email each booking change sends; a booking awaiting payment is mailed once it is paid. */
const MAIL_FOR: Partial<Record<BookingAction, BookingMailKind>> = {
  'booking.confirmed': 'created',
  'booking.modified': 'changed',
  'booking.cancelled': 'cancelled',
  'booking.expired': 'payment_failed',
  'booking.completed': 'completed',
  'booking.no_show': 'no_show',
  'booking.refund_succeeded': 'refunded',
  'booking.refunded': 'refunded',
  'booking.refund_failed': 'refund_failed',
  'booking.meeting_linked': 'meeting_link',
  'booking.payment_mismatch': 'payment_mismatch',
};

/** Changes after which the booking's start may differ: the reminder is set again. */
const RESCHEDULES: ReadonlySet<BookingAction> = new Set(['booking.created', 'booking.confirmed', 'booking.modified']);

/** Emails that carry the calendar invite and go to both sides. */
const INVITES: ReadonlySet<BookingMailKind> = new Set(['created', 'changed', 'cancelled', 'meeting_link']);

/** Who reads the emails without an invite (the rest go to the customer): money that came back goes to both sides. */
const READERS: Partial<Record<BookingMailKind, (change?: MailedChange) => MailReader['side'][]>> = {
  refunded: () => ['customer', 'provider'],
  // The customer hears of a refused refund only if they had been told it was done.
  refund_failed: (change) =>
    change?.money?.kind === 'refused' && change.money.wasConfirmed ? ['provider', 'customer'] : ['provider'],
  payment_mismatch: () => ['provider'],
  awaiting_confirmation: () => ['customer'],
};

/** Emails that say who made the change and why, and what it did to the money: the job carries those facts. */
const TELLS_CHANGE: ReadonlySet<BookingMailKind> = new Set([
  'changed',
  'cancelled',
  'refunded',
  'refund_failed',
  'payment_mismatch',
]);

/** Statuses after which a follow-up still makes sense (checked again when it comes due). */
const FOLLOWED_UP: ReadonlySet<BookingStatus> = new Set([BookingStatus.CONFIRMED, BookingStatus.COMPLETED]);

function mailFor({ action, booking }: BookingChanged): BookingMailKind | undefined {
  if (action === 'booking.created') {
    if (booking.status === BookingStatus.PENDING_CONFIRMATION) return 'awaiting_confirmation';
    return booking.status === BookingStatus.CONFIRMED ? 'created' : undefined;
  }
  return MAIL_FOR[action];
}

const NEWEST_FIRST = { id: 'desc' } as const;

/** One booking email being written: the booking, who it is about, and the facts of the change it tells. */
interface BookingEmail {
  booking: Booking;
  kind: BookingMailKind;
  sequence: number;
  service: Service;
  provider: Provider;
  customer: User;
  owner: User;
  facts: BookingMailFacts;
  manageLink: string;
}

/** The contents of one message, the same to every address it goes to. */
type MessageBody = Pick<Message, 'subject' | 'text' | 'html'> & Partial<Pick<Message, 'calendar' | 'moreInvites'>>;

/**
 * A customer's message, and the same to the guest it is for at another address: sent on the customer's
 * behalf, only once the customer's own address is confirmed (send-message.ts).
 */
function withGuestCopy(tx: TxContext, recipient: User, guest: string | undefined, body: MessageBody): Message[] {
  const message = tx.em.create(Message, { recipient, to: recipient.email, ...body });
  if (!guest || guest === recipient.email) return [message];
  return [message, tx.em.create(Message, { recipient: null, sender: recipient, to: guest, ...body })];
}

/**
 * Emails. In the transaction of a change, listeners only queue a job; the worker builds the messages and
 * invites, stores them and queues their sending, so no request spends time on them. Each reader gets
 * times in their own zone and a link of their own.
 */
export class NotificationService {
  constructor(
    private readonly links: Links,
    private readonly followUpHours: number,
  ) {}

  /**
   * Listener of bookingChanged: the email job, and the reminder and follow-up set, moved or removed. A new
   * booking has neither to move or remove: its one job (booking_created) queues its email, reminder and
   * follow-up after commit, so that the write adds one job, not three.
   */
  bookingChanged(tx: TxContext, change: BookingChanged): void {
    const { booking } = change;
    const kind = mailFor(change);
    if (change.action === 'booking.created') {
      if (kind === 'created') tx.effects.addJob(jobs.bookingCreated(booking.id, booking.inviteSequence));
      else if (kind) tx.effects.addJob(jobs.bookingMail(booking.id, kind, booking.inviteSequence));
      return;
    }
    const told: MailedChange | undefined =
      kind && TELLS_CHANGE.has(kind)
        ? {
            actorId: tx.actor?.userId ?? null,
            reason: change.reason,
            before: change.before,
            ...(change.money ? { money: change.money } : {}),
          }
        : undefined;
    if (kind) tx.effects.addJob(jobs.bookingMail(booking.id, kind, booking.inviteSequence, told));
    if (booking.status !== BookingStatus.CONFIRMED) tx.effects.removeJob(jobKeys.reminder(booking.id));
    else if (RESCHEDULES.has(change.action)) this.remindAt(tx, booking);
    if (!FOLLOWED_UP.has(booking.status)) tx.effects.removeJob(jobKeys.followUp(booking.id));
    else if (this.followUpHours > 0 && RESCHEDULES.has(change.action) && booking.status === BookingStatus.CONFIRMED) {
      tx.effects.addJob(this.followUpJob(booking.id, booking.endsAt));
    }
  }

  /** The reminder of a confirmed booking, set (or moved) to the day before it starts, or removed when that has passed. */
  private remindAt(tx: TxContext, booking: { id: number; startsAt: Date }): void {
    const remindAt = new Date(booking.startsAt.getTime() - REMINDER_LEAD_MS);
    if (remindAt > tx.clock.now()) tx.effects.addJob(jobs.reminder(booking.id, booking.startsAt, remindAt));
    else tx.effects.removeJob(jobKeys.reminder(booking.id));
  }

  private followUpJob(bookingId: number, endsAt: Date) {
    return jobs.followUp(bookingId, endsAt, new Date(endsAt.getTime() + this.followUpHours * HOUR_MS));
  }

  /**
   * The booking_created job: writes the email of a new confirmed booking and, while it stands, sets its
   * reminder and follow-up from the booking as it is when this runs (a booking changed since has set its
   * own; one cancelled since gets none). The booking is locked as every change of it locks it, so a
   * cancellation waits for this job, or is seen by it. It runs in the booking's email queue, before the
   * email jobs of its later changes (jobs.bookingMail): a confirmation is never written after its cancellation.
   */
  async bookingCreated(ctx: RequestContext, bookingId: number, sequence: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await lockBookingWhere(tx, { id: bookingId });
      if (!booking) return;
      await tx.em.populate(booking, ['service.provider', 'slots.slot']);
      await this.store(tx, await this.bookingMessages(tx, booking, 'created', sequence));
      if (booking.status !== BookingStatus.CONFIRMED) return;
      this.remindAt(tx, booking);
      if (this.followUpHours > 0) tx.effects.addJob(this.followUpJob(booking.id, booking.endsAt));
    });
  }

  /** Listener of proposalChanged. */
  proposalChanged(tx: TxContext, change: ProposalChanged): void {
    tx.effects.addJob(jobs.proposalMail(change.proposalId, change.kind));
  }

  /** Listener of waitlistOffered. */
  waitlistOffered(tx: TxContext, offer: WaitlistOffered): void {
    tx.effects.addJob(jobs.waitlistOfferMail(offer.entryId));
  }

  /** The booking_mail job: the messages of one change, with the invite at the sequence the change had. */
  async mailBooking(
    ctx: RequestContext,
    bookingId: number,
    kind: BookingMailKind,
    sequence: number,
    change?: MailedChange,
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await tx.em.findOne(Booking, bookingId, { populate: ['service.provider', 'slots.slot'] });
      if (booking) await this.store(tx, await this.bookingMessages(tx, booking, kind, sequence, change));
    });
  }

  /** The reminder job: sends only if the booking still stands and still starts when the reminder was set for. */
  async remind(ctx: RequestContext, bookingId: number, startsAt: string): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await tx.em.findOne(Booking, bookingId, { populate: ['service.provider', 'slots.slot'] });
      if (!booking || booking.status !== BookingStatus.CONFIRMED || booking.startsAt.toISOString() !== startsAt) return;
      await this.store(tx, await this.bookingMessages(tx, booking, 'reminder', booking.inviteSequence));
    });
  }

  /**
   * The follow-up job: sends only if the booking still ends when the follow-up was set for, took place
   * (COMPLETED, or still CONFIRMED: the provider need not mark it) and was not refunded or a no-show.
   */
  async followUp(ctx: RequestContext, bookingId: number, endsAt: string): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await tx.em.findOne(Booking, bookingId, { populate: ['service.provider', 'slots.slot'] });
      if (!booking || !FOLLOWED_UP.has(booking.status) || booking.endsAt.toISOString() !== endsAt) return;
      if (requeuedIfEarly(tx, this.followUpJob(booking.id, booking.endsAt))) return;
      await this.store(tx, await this.bookingMessages(tx, booking, 'follow_up', booking.inviteSequence));
    });
  }

  /** The proposal_mail job: the email for the side that has to know. */
  async mailProposal(ctx: RequestContext, proposalId: number, kind: ProposalMailKind): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const proposal = await tx.em.findOne(Proposal, proposalId, {
        populate: ['service.provider', 'slots', 'counterSlots', 'customer', 'booking.payment'],
      });
      if (!proposal) return;
      const service = proposal.service.getEntity();
      const recipient = await tx.em.findOneOrFail(
        User,
        PROPOSAL_MAIL_TO[kind] === 'provider' ? service.provider.getEntity().user.id : proposal.customer.id,
      );
      const booking = proposal.booking?.getEntity() ?? null;
      const guest = recipient.guest;
      const mail = proposalMail(kind, proposal, service, proposal.slots.getItems().sort(byStart), {
        zone: recipient.timezone,
        locale: recipient.locale,
        // A guest answers a counter-offer on this server's page; else it has no link.
        link: guest
          ? kind === 'countered'
            ? this.links.counterOffer(proposal.id)
            : null
          : this.links.proposal(proposal.id),
        customerName: proposal.customer.getEntity().name,
        booking,
        bookingLink: booking
          ? guest
            ? this.links.manage(booking.id, booking.manageGeneration)
            : this.links.booking(booking.id, recipient.id)
          : null,
        ...(guest ? { guestSite: this.links.site } : {}),
      });
      // A guest's address is never confirmed: its email (none of the guest's words in it) goes as it is, as a
      // guest's booking emails do (send-message.ts).
      await this.store(tx, [
        tx.em.create(Message, { recipient: guest ? null : recipient, to: recipient.email, ...mail }),
      ]);
    });
  }

  /** Listener of reviewCreated. */
  reviewCreated(tx: TxContext, review: ReviewCreated): void {
    tx.effects.addJob(jobs.reviewMail(review.reviewId));
  }

  /** The review_mail job: the provider learns of a new review. */
  async mailReview(ctx: RequestContext, reviewId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const review = await tx.em.findOne(Review, reviewId, {
        populate: ['booking', 'service', 'provider.user', 'author'],
      });
      if (!review) return;
      const recipient = review.provider.getEntity().user.getEntity();
      const booking = review.booking.getEntity();
      const { subject, text, html } = reviewMail(
        review,
        review.author.getEntity().name,
        booking,
        review.service.getEntity(),
        this.links.booking(booking.id, recipient.id),
        recipient.locale,
      );
      await this.store(tx, [tx.em.create(Message, { recipient, to: recipient.email, subject, text, html })]);
    });
  }

  /** The waitlist_offer_mail job. */
  async mailWaitlistOffer(ctx: RequestContext, entryId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const entry = await tx.em.findOne(WaitlistEntry, entryId, { populate: ['service', 'offeredSlot', 'customer'] });
      if (!entry?.offeredSlot) return;
      const recipient = entry.customer.getEntity();
      // A guest has no account to claim with: its link claims the offer itself.
      const link = recipient.guest ? this.links.waitlistClaim(entry.id) : this.links.waitlistEntry(entry.id);
      const { subject, text, html } = waitlistOfferMail(
        entry,
        entry.offeredSlot.getEntity(),
        entry.service.getEntity(),
        link,
        recipient.timezone,
        recipient.locale,
      );
      const mail = { subject, text, html };
      // A guest's address is never confirmed: the offer (no one's words in it: the service, the seats, the
      // deadline, the link) goes as it is, as a guest's booking emails do (send-message.ts).
      if (recipient.guest)
        return this.store(tx, [tx.em.create(Message, { recipient: null, to: recipient.email, ...mail })]);
      // The guest the seats are for hears of them too, as a booking's guest does, on the customer's behalf.
      await this.store(tx, withGuestCopy(tx, recipient, entry.contact?.email, mail));
    });
  }

  /** The messages of one booking email: with the invite to both sides, or to the one side it concerns, each in its reader's words. */
  private async bookingMessages(
    tx: TxContext,
    booking: Booking,
    kind: BookingMailKind,
    sequence: number,
    change?: MailedChange,
  ): Promise<Message[]> {
    const email = await this.bookingEmail(tx, booking, kind, sequence, change);
    const sides: MailReader['side'][] = INVITES.has(kind)
      ? ['customer', 'provider']
      : (READERS[kind]?.(change) ?? ['customer']);
    return sides.flatMap((side) => this.readerMessages(tx, email, side));
  }

  /** Who a booking email is about, and the facts of the change it tells (read once for all its readers). */
  private async bookingEmail(
    tx: TxContext,
    booking: Booking,
    kind: BookingMailKind,
    sequence: number,
    change?: MailedChange,
  ): Promise<BookingEmail> {
    const service = booking.service.getEntity();
    const provider = service.provider.getEntity();
    const ids = [booking.customer.id, provider.user.id, ...(change?.actorId != null ? [change.actorId] : [])];
    const people = await tx.em.find(User, { id: { $in: ids } });
    const customer = people.find((user) => user.id === booking.customer.id)!;
    const owner = people.find((user) => user.id === provider.user.id)!;
    const facts: BookingMailFacts = {
      customerName: customer.name,
      providerName: provider.name,
      runs: bookingRuns(booking),
    };
    if (change) {
      const actor = people.find((user) => user.id === change.actorId);
      Object.assign(facts, {
        actor: actorOf(change.actorId, customer, owner, actor),
        reason: change.reason,
        money: change.money,
      });
      if (kind === 'changed' && change.before) facts.before = await bookingBefore(tx, change.before);
    }
    const manageLink = this.links.manage(booking.id, booking.manageGeneration);
    return { booking, kind, sequence, service, provider, customer, owner, facts, manageLink };
  }

  /** The messages of a booking email to one side: its reader's, and a copy to the guest the booking is for. */
  private readerMessages(tx: TxContext, email: BookingEmail, side: MailReader['side']): Message[] {
    const { booking, kind, manageLink } = email;
    const recipient = side === 'customer' ? email.customer : email.owner;
    // No account behind the address: a fixed text with the manage link (guest-mail.ts), sent as it is.
    if (side === 'customer' && recipient.guest) {
      const mail = guestBookingMail(kind, booking, this.links.site, manageLink, recipient.locale);
      return [tx.em.create(Message, { recipient: null, to: recipient.email, ...mail })];
    }
    const reader: MailReader = {
      side,
      zone: recipient.timezone,
      locale: recipient.locale,
      link: this.links.booking(booking.id, recipient.id),
      reviewLink: this.links.review(booking.id, recipient.id),
      ...(side === 'customer' ? { manageLink } : {}),
    };
    const mail = bookingMail(kind, booking, email.service, email.facts, reader);
    const [calendar = null, ...moreInvites] = INVITES.has(kind) ? this.emailInvites(email, mail.text, reader.link) : [];
    // The guest the booking is for hears what its customer hears (README, "How it behaves": "Emails").
    const guest = side === 'customer' ? booking.contact?.email : undefined;
    return withGuestCopy(tx, recipient, guest, { ...mail, calendar, moreInvites });
  }

  /** The invites a booking email carries, its text as their description. */
  private emailInvites(email: BookingEmail, description: string, url: string): string[] {
    const { booking, service, provider, owner, customer, facts } = email;
    return this.invites(
      booking,
      service.name,
      facts.runs,
      facts.before?.runs ?? [],
      email.kind === 'cancelled',
      email.sequence,
      {
        timezone: service.timezone,
        description,
        organizer: { name: provider.name, email: owner.email },
        attendee: { name: customer.name, email: customer.email },
        url,
        location: booking.meetingUrl,
      },
    );
  }

  /**
   * The invites of one booking email, one per run of consecutive slots (each its own UID); runs the booking
   * had before a change and no longer has are cancelled (METHOD:CANCEL), so that calendars drop them.
   */
  private invites(
    booking: Booking,
    title: string,
    runs: TimeRun[],
    before: TimeRun[],
    cancelled: boolean,
    sequence: number,
    common: Omit<InviteDetails, 'reference' | 'run' | 'sequence' | 'cancelled' | 'start' | 'end' | 'summary'>,
  ): string[] {
    const one = (run: number, { startsAt, endsAt }: TimeRun, gone: boolean, count: number) =>
      invite({
        ...common,
        summary: `${title} (${booking.reference}${runLabel(run, count)})`,
        reference: booking.reference,
        run,
        sequence,
        cancelled: gone,
        start: startsAt,
        end: endsAt,
      });
    return [
      ...runs.map((run, index) => one(index, run, cancelled, runs.length)),
      ...before.slice(runs.length).map((run, index) => one(runs.length + index, run, true, before.length)),
    ];
  }

  /** The manage_link_mail job: a booking's customer gets its manage link again (after its links were revoked). */
  async mailManageLink(ctx: RequestContext, bookingId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await tx.em.findOne(Booking, bookingId, { populate: ['customer'] });
      if (!booking) return;
      const customer = booking.customer.getEntity();
      const link = this.links.manage(booking.id, booking.manageGeneration);
      // A fixed text, to the customer's own address: no recipient, so that it goes whether or not confirmed.
      const mail = guestBookingMail('manage_link', booking, this.links.site, link, customer.locale);
      await this.store(tx, [tx.em.create(Message, { recipient: null, to: customer.email, ...mail })]);
    });
  }

  /** The verification_mail job: the link that confirms the account's address, to that address (a fixed text). */
  async mailVerification(ctx: RequestContext, userId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const user = await tx.em.findOne(User, userId);
      if (!user) return;
      const { subject, text, html } = verificationMail(
        this.links.site,
        this.links.emailVerification(user.id, user.email, tx.clock.now()),
        user.locale,
      );
      // No recipient: not a message of the account's own (myMessages), and sent whether or not confirmed.
      await this.store(tx, [tx.em.create(Message, { recipient: null, to: user.email, subject, text, html })]);
    });
  }

  /** Tells a provider, in the caller's transaction, that a calendar account must be connected again. */
  calendarNeedsReconnect(tx: TxContext, providerUserId: number, names: CalendarNames, accountEmail: string) {
    return this.mailAboutCalendar(tx, providerUserId, (link, locale) =>
      calendarReconnectMail(names, accountEmail, link, locale),
    );
  }

  /** Tells a provider, in the caller's transaction, that the busy times of a calendar account cannot be read. */
  calendarBusyUnreadable(
    tx: TxContext,
    providerUserId: number,
    names: CalendarNames,
    accountEmail: string,
    error: string,
  ) {
    return this.mailAboutCalendar(tx, providerUserId, (link, locale) =>
      calendarBusyUnreadableMail(names, accountEmail, error, link, locale),
    );
  }

  /** A mail about the provider's calendar accounts, in its language, linking to its calendar page when there is one. */
  private async mailAboutCalendar(
    tx: TxContext,
    providerUserId: number,
    mail: (link: string | null, locale: string) => { subject: string; text: string; html: string },
  ): Promise<void> {
    const recipient = await tx.em.findOneOrFail(User, providerUserId);
    const { subject, text, html } = mail(this.links.calendars(), recipient.locale);
    await this.store(tx, [tx.em.create(Message, { recipient, to: recipient.email, subject, text, html })]);
  }

  /** Stores new messages and queues their sending, in the caller's transaction. */
  private async store(tx: TxContext, messages: Message[]): Promise<void> {
    await tx.em.flush(); // the jobs name the messages by id
    for (const message of messages) tx.effects.addJob(jobs.sendMessage(message.id));
  }

  async myMessages(ctx: RequestContext): Promise<Message[]> {
    return ctx.em.find(Message, this.mine(ctx), { orderBy: NEWEST_FIRST, limit: MAX_ROWS.messages });
  }

  myMessagesConnection(ctx: RequestContext, page: PageArgs): Promise<Page<Message>> {
    return paginate(ctx.em, Message, this.mine(ctx), NEWEST_FIRST, page);
  }

  private mine(ctx: RequestContext): FilterQuery<Message> {
    return { recipient: ctx.em.getReference(User, requireActor(ctx).userId) };
  }
}

/** Who made a change, from the audit's actor: none is the server or the bank (an expired hold, Stripe's word). */
function actorOf(actorId: number | null, customer: User, owner: User, actor: User | undefined): ChangeActor {
  if (actorId === null) return 'system';
  if (actor?.role === Role.ADMIN) return 'admin';
  if (actorId === customer.id) return 'customer';
  return actorId === owner.id ? 'provider' : 'admin';
}

/** What a changed booking was: its runs of slots from the slots it had, its party and total from the change's snapshot. */
async function bookingBefore(tx: TxContext, before: BookingSnapshot): Promise<BookingBefore> {
  const slots = await tx.em.find(Slot, { id: { $in: before.slotIds.map(Number) } });
  return { runs: runsOf(slots), party: before.party, total: before.total };
}
