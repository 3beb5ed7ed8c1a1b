import type { FilterQuery } from '@mikro-orm/core';
import { paginate, type Page, type PageArgs } from '../core/connection';
import { requireActor } from '../accounts/ownership';
import { User } from '../accounts/user.entity';
import type { BookingAction, BookingChanged } from '../booking/booking-events';
import { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { jobKeys, jobs } from '../jobs';
import type { ProposalChanged } from '../proposals/proposal-events';
import { Proposal } from '../proposals/proposal.entity';
import { byStart } from '../scheduling/slot.entity';
import type { WaitlistOffered } from '../waitlist/waitlist-events';
import { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import { bookingMail, type BookingMailKind } from './booking-mail';
import { invite } from './invite';
import { Message } from './message.entity';
import { PROPOSAL_MAIL_TO, proposalMail, type ProposalMailKind } from './proposal-mail';
import { waitlistOfferMail } from './waitlist-mail';
import { MAX_ROWS } from '../core/limits';

const REMINDER_LEAD_MS = 24 * 3_600_000;

/** Which email each booking change sends; a booking awaiting payment is mailed once it is paid. */
const MAIL_FOR: Partial<Record<BookingAction, BookingMailKind>> = {
  'booking.confirmed': 'created',
  'booking.modified': 'changed',
  'booking.cancelled': 'cancelled',
  'booking.expired': 'payment_failed',
  'booking.refund_succeeded': 'refunded',
  'booking.refunded': 'refunded',
  'booking.refund_failed': 'refund_failed',
};

/** Changes after which the booking's start may differ: the reminder is set again. */
const RESCHEDULES: ReadonlySet<BookingAction> = new Set(['booking.created', 'booking.confirmed', 'booking.modified']);

/** Emails that carry the calendar invite and go to both sides; a refused refund is the provider's; the rest the customer's. */
const INVITES: ReadonlySet<BookingMailKind> = new Set(['created', 'changed', 'cancelled']);

function mailFor({ action, booking }: BookingChanged): BookingMailKind | undefined {
  if (action === 'booking.created') return booking.status === BookingStatus.CONFIRMED ? 'created' : undefined;
  return MAIL_FOR[action];
}

const NEWEST_FIRST = { id: 'desc' } as const;

/**
 * Emails. In the transaction of a change, listeners only queue a job; the worker builds the messages and
 * invites, stores them and queues their sending, so no request spends time on them.
 */
export class NotificationService {
  constructor(private readonly publicUrl: string) {}

  /** Listener of bookingChanged: the email job, and the reminder set, moved or removed. */
  bookingChanged(tx: TxContext, change: BookingChanged): void {
    const { booking } = change;
    const kind = mailFor(change);
    if (kind) tx.effects.addJob(jobs.bookingMail(booking.id, kind, booking.inviteSequence));
    if (booking.status !== BookingStatus.CONFIRMED) tx.effects.removeJob(jobKeys.reminder(booking.id));
    else if (RESCHEDULES.has(change.action)) {
      const remindAt = new Date(booking.startsAt.getTime() - REMINDER_LEAD_MS);
      if (remindAt > tx.clock.now()) tx.effects.addJob(jobs.reminder(booking.id, booking.startsAt, remindAt));
      else tx.effects.removeJob(jobKeys.reminder(booking.id));
    }
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
  async mailBooking(ctx: RequestContext, bookingId: number, kind: BookingMailKind, sequence: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await tx.em.findOne(Booking, bookingId, { populate: ['service.provider'] });
      if (booking) await this.store(tx, await this.bookingMessages(tx, booking, kind, sequence));
    });
  }

  /** The reminder job: sends only if the booking still stands and still starts when the reminder was set for. */
  async remind(ctx: RequestContext, bookingId: number, startsAt: string): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await tx.em.findOne(Booking, bookingId, { populate: ['service.provider'] });
      if (!booking || booking.status !== BookingStatus.CONFIRMED || booking.startsAt.toISOString() !== startsAt) return;
      await this.store(tx, await this.bookingMessages(tx, booking, 'reminder', booking.inviteSequence));
    });
  }

  /** The proposal_mail job: the email for the side that has to know. */
  async mailProposal(ctx: RequestContext, proposalId: number, kind: ProposalMailKind): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const proposal = await tx.em.findOne(Proposal, proposalId, { populate: ['service.provider', 'slots', 'counterSlots'] });
      if (!proposal) return;
      const service = proposal.service.getEntity();
      const recipient = await tx.em.findOneOrFail(User, PROPOSAL_MAIL_TO[kind] === 'provider' ? service.provider.getEntity().user.id : proposal.customer.id);
      const { subject, text, html } = proposalMail(kind, proposal, service, proposal.slots.getItems().sort(byStart), `${this.publicUrl}/proposals/${proposal.id}`);
      await this.store(tx, [tx.em.create(Message, { recipient, to: recipient.email, subject, text, html })]);
    });
  }

  /** The waitlist_offer_mail job. */
  async mailWaitlistOffer(ctx: RequestContext, entryId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const entry = await tx.em.findOne(WaitlistEntry, entryId, { populate: ['service', 'offeredSlot', 'customer'] });
      if (!entry?.offeredSlot) return;
      const recipient = entry.customer.getEntity();
      const { subject, text, html } = waitlistOfferMail(entry, entry.offeredSlot.getEntity(), entry.service.getEntity(), `${this.publicUrl}/waitlist/${entry.id}`);
      await this.store(tx, [tx.em.create(Message, { recipient, to: recipient.email, subject, text, html })]);
    });
  }

  /** The messages of one booking email: with the invite to both sides, or to the one side it concerns. */
  private async bookingMessages(tx: TxContext, booking: Booking, kind: BookingMailKind, sequence: number): Promise<Message[]> {
    const service = booking.service.getEntity();
    const provider = service.provider.getEntity();
    const people = await tx.em.find(User, { id: { $in: [booking.customer.id, provider.user.id] } });
    const customer = people.find((user) => user.id === booking.customer.id)!;
    const owner = people.find((user) => user.id === provider.user.id)!;
    const link = `${this.publicUrl}/bookings/${booking.reference}`;
    const { subject, text, html } = bookingMail(kind, booking, service, link);
    const calendar = !INVITES.has(kind)
      ? null
      : invite({
          uid: `${booking.reference}@booking-calendar-api`,
          sequence,
          cancelled: kind === 'cancelled',
          start: booking.startsAt,
          end: booking.endsAt,
          timezone: service.timezone,
          summary: `${service.name} (${booking.reference})`,
          description: text,
          organizer: { name: provider.name, email: owner.email },
          attendee: { name: customer.name, email: customer.email },
          url: link,
        });
    const recipients = INVITES.has(kind) ? [customer, owner] : kind === 'refund_failed' ? [owner] : [customer];
    return recipients.map((recipient) => tx.em.create(Message, { recipient, to: recipient.email, subject, text, html, calendar }));
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
