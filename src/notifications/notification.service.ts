import { requireActor } from '../accounts/ownership';
import { User } from '../accounts/user.entity';
import { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import type { RequestContext } from '../core/context';
import { addJobs, removeJob, type Job } from '../core/jobs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { bookingMail, type BookingMailKind } from './booking-mail';
import { PROPOSAL_MAIL_TO, proposalMail, type ProposalMailKind } from './proposal-mail';
import type { Proposal } from '../proposals/proposal.entity';
import type { Slot } from '../scheduling/slot.entity';
import type { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import type { Service } from '../catalog/service.entity';
import { waitlistOfferMail } from './waitlist-mail';
import { invite } from './invite';
import { byStart } from '../scheduling/slot.entity';
import { Message } from './message.entity';
import { MAX_ROWS } from '../core/limits';

export const SEND_MESSAGE = 'send_message';
export const BOOKING_REMINDER = 'booking_reminder';
const REMINDER_LEAD_MS = 24 * 3_600_000;
const reminderKey = (bookingId: number) => `booking-reminder:${bookingId}`;

/** Which email, if any, a booking change sends. A booking awaiting payment is mailed once it is paid. */
function mailFor(action: string, booking: Booking): BookingMailKind | undefined {
  switch (action) {
    case 'booking.created':
      return booking.status === BookingStatus.CONFIRMED ? 'created' : undefined;
    case 'booking.confirmed':
      return 'created';
    case 'booking.modified':
      return 'changed';
    case 'booking.cancelled':
      return 'cancelled';
    case 'booking.expired':
      return 'payment_failed';
    case 'booking.refunded':
    case 'booking.payment_refunded':
      return 'refunded';
    default:
      return undefined;
  }
}

/** Emails that carry the calendar invite and go to both sides; the others are the customer's alone. */
const INVITES: ReadonlySet<BookingMailKind> = new Set(['created', 'changed', 'cancelled']);

/** Stores the emails of a change and queues their sending, in the transaction of the change. */
export class NotificationService {
  constructor(private readonly publicUrl: string) {}

  async bookingChanged(tx: RequestContext, booking: Booking, action: string): Promise<void> {
    const kind = mailFor(action, booking);
    if (!kind) return;
    if (kind === 'changed' || kind === 'cancelled') booking.inviteSequence += 1;
    const jobs = await this.mailBooking(tx.em, booking, kind);
    const remindAt = new Date(booking.startsAt.getTime() - REMINDER_LEAD_MS);
    if (booking.status !== BookingStatus.CONFIRMED) await removeJob(tx.em, reminderKey(booking.id));
    else if (remindAt > tx.clock.now()) {
      jobs.push({ task: BOOKING_REMINDER, payload: { bookingId: booking.id, startsAt: booking.startsAt.toISOString() }, runAt: remindAt, jobKey: reminderKey(booking.id) });
    }
    await addJobs(tx.em, jobs);
  }

  /** Stores the email of a proposal change for the side that has to know, and queues its sending. */
  async proposalChanged(tx: RequestContext, proposal: Proposal, kind: ProposalMailKind): Promise<void> {
    const service = await proposal.service.loadOrFail();
    const provider = await service.provider.loadOrFail();
    const recipient = await tx.em.findOneOrFail(User, PROPOSAL_MAIL_TO[kind] === 'provider' ? provider.user.id : proposal.customer.id);
    const slots = (await proposal.slots.load()).getItems().sort(byStart);
    const { subject, text, html } = proposalMail(kind, proposal, service, slots, `${this.publicUrl}/proposals/${proposal.id}`);
    await this.store(tx.em, [tx.em.create(Message, { recipient, to: recipient.email, subject, text, html })]);
  }

  /** Stores the email of a waitlist offer for its customer and queues its sending. */
  async waitlistOffered(tx: RequestContext, entry: WaitlistEntry, slot: Slot, service: Service): Promise<void> {
    const recipient = await tx.em.findOneOrFail(User, entry.customer.id);
    const { subject, text, html } = waitlistOfferMail(entry, slot, service, `${this.publicUrl}/waitlist/${entry.id}`);
    await this.store(tx.em, [tx.em.create(Message, { recipient, to: recipient.email, subject, text, html })]);
  }

  /** The reminder job: sends only if the booking still stands and still starts when the reminder was set for. */
  async remind(em: EntityManager, bookingId: number, startsAt: string): Promise<void> {
    await em.transactional(async (tx) => {
      const booking = await tx.findOne(Booking, bookingId);
      if (!booking || booking.status !== BookingStatus.CONFIRMED || booking.startsAt.toISOString() !== startsAt) return;
      await addJobs(tx as EntityManager, await this.mailBooking(tx as EntityManager, booking, 'reminder'));
    });
  }

  /** Stores the messages of one booking email and returns the jobs that will send them. */
  private async mailBooking(em: EntityManager, booking: Booking, kind: BookingMailKind): Promise<Job[]> {
    const service = await booking.service.loadOrFail();
    const provider = await service.provider.loadOrFail();
    const people = await em.find(User, { id: { $in: [booking.customer.id, provider.user.id] } });
    const customer = people.find((user) => user.id === booking.customer.id)!;
    const owner = people.find((user) => user.id === provider.user.id)!;
    const link = `${this.publicUrl}/bookings/${booking.reference}`;
    const { subject, text, html } = bookingMail(kind, booking, service, link);
    const calendar = !INVITES.has(kind)
      ? null
      : invite({
          uid: `${booking.reference}@booking-calendar-api`,
          sequence: booking.inviteSequence,
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
    const recipients = INVITES.has(kind) ? [customer, owner] : [customer];
    return this.sendLater(em, recipients.map((recipient) => em.create(Message, { recipient, to: recipient.email, subject, text, html, calendar })));
  }

  /** The jobs that will send these new messages. */
  private async sendLater(em: EntityManager, messages: Message[]): Promise<Job[]> {
    await em.flush(); // the jobs name the messages by id
    return messages.map((message) => ({ task: SEND_MESSAGE, payload: { messageId: message.id }, jobKey: `message:${message.id}` }));
  }

  /** Stores new messages and queues their sending, in the caller's transaction. */
  async store(em: EntityManager, messages: Message[]): Promise<void> {
    await addJobs(em, await this.sendLater(em, messages));
  }

  async myMessages(ctx: RequestContext): Promise<Message[]> {
    const actor = requireActor(ctx);
    return ctx.em.find(Message, { recipient: ctx.em.getReference(User, actor.userId) }, { orderBy: { id: 'desc' }, limit: MAX_ROWS.messages });
  }
}
