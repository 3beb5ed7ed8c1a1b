import { Role } from '../accounts/role';
import type { RateLimits } from '../accounts/rate-limits';
import { BookingMode } from '../catalog/service.enums';
import { parseAnswers } from '../booking/answers';
import { lookupOf } from '../booking/booking-lookup';
import { MAX_NOTE_LENGTH, parseSlotIds } from '../booking/booking-rules';
import type { BookingService } from '../booking/booking.service';
import { Booking } from '../booking/booking.entity';
import { parseContact, type Contact } from '../booking/contact';
import type { Actor, RequestContext } from '../core/context';
import { NotFound, Unauthenticated } from '../core/errors';
import { parseId } from '../core/ids';
import { optionalText } from '../core/validate';
import type { Links } from '../notifications/links';
import { parseLocale, requestLocale } from '../i18n';
import type { ProposalService } from '../proposals/proposal.service';
import { Slot } from '../scheduling/slot.entity';
import { GuestNextStep, type GuestBookInput, type GuestBooking, type GuestWaitlistInput } from './guest.types';
import { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import { Proposal } from '../proposals/proposal.entity';
import type { WaitlistService } from '../waitlist/waitlist.service';
import { run } from '../core/sql';
import { accountOfEmail, upsertGuest } from './guest.sql';

/**
 * The context of `ctx` acting as `userId`, a customer: a guest booking (its guest identity) or the holder of
 * a booking's manage link (its customer). No session stands behind it (sessionId 0): nothing ends it.
 */
export function actingAsCustomer(ctx: RequestContext, userId: number): RequestContext {
  const actor: Actor = { userId, role: Role.CUSTOMER, sessionId: 0 };
  return Object.assign(Object.create(Object.getPrototypeOf(ctx)) as RequestContext, ctx, { actor });
}

/** What a guest booking says beside its slots and party, each checked. */
function guestNotes(input: GuestBookInput) {
  return {
    notes: optionalText('notes', input.notes, MAX_NOTE_LENGTH),
    specialRequirements: optionalText('specialRequirements', input.specialRequirements, MAX_NOTE_LENGTH),
    dietaryRestrictions: optionalText('dietaryRestrictions', input.dietaryRestrictions, MAX_NOTE_LENGTH),
    accessibilityNeeds: optionalText('accessibilityNeeds', input.accessibilityNeeds, MAX_NOTE_LENGTH),
  };
}

/**
 * bookAsGuest (docs/guest-bookings.md): a booking made without an account, by a guest identity of its email
 * (`app_user.guest`, no password). Free: PENDING_CONFIRMATION, held until the guest follows the link mailed
 * to the address. Paid: PENDING_PAYMENT, held while the guest pays at a Stripe Checkout Session. The hold
 * caps count per guest, so per email; guest bookings are limited per client address and per email.
 */
export class GuestBookingService {
  constructor(
    private readonly bookings: BookingService,
    private readonly limits: RateLimits,
    private readonly links: Links,
    private readonly confirmMinutes: number,
    private readonly proposals: ProposalService,
    private readonly waitlist: WaitlistService,
  ) {}

  /**
   * joinWaitlistAsGuest: queues the guest identity of the contact's email as joinWaitlist queues a customer
   * (the same fair order, offers, holds and emails), under the guest bookings' limits.
   */
  async joinWaitlist(ctx: RequestContext, input: GuestWaitlistInput): Promise<WaitlistEntry> {
    const contact = parseContact(input.contact)!;
    const locale = input.locale == null ? requestLocale(ctx) : parseLocale('locale', input.locale);
    parseId('serviceId', input.serviceId); // refused before the guest identity is made
    await this.limits.guestBooking(ctx, contact.email);
    const guestId = await this.guestFor(ctx, contact, locale);
    const { locale: _, ...entry } = input;
    return this.waitlist.join(actingAsCustomer(ctx, guestId), entry);
  }

  /**
   * Claims the waitlist offer a claim link names (the link mailed to the guest proves the address), as its
   * customer claims with claimWaitlistOffer; answers the manage token of the booking it makes. A paid
   * service's booking waits for its payment at Stripe Checkout, which its manage page links to (as bookAsGuest's).
   */
  async claimOffer(ctx: RequestContext, token: string): Promise<string> {
    const entryId = this.links.waitlistClaimed(token);
    const entry = entryId == null ? null : await ctx.em.findOne(WaitlistEntry, entryId);
    if (!entry) throw new NotFound('WaitlistEntry', token);
    const booking = await this.waitlist.claim(actingAsCustomer(ctx, entry.customer.id), String(entry.id));
    return this.links.manageToken(booking.id, booking.manageGeneration);
  }

  /**
   * Accepts the provider's counter-offer a link names (the link mailed to the guest proves the address), as
   * its customer accepts with acceptCounterProposal; answers the manage token of the booking it makes (on a
   * paid service, awaiting its payment at Stripe Checkout, which its manage page links to).
   */
  async acceptCounterOffer(ctx: RequestContext, token: string): Promise<string> {
    const proposalId = this.links.counterOffered(token);
    const proposal = proposalId == null ? null : await ctx.em.findOne(Proposal, proposalId, { populate: ['customer'] });
    if (!proposal?.customer.getEntity().guest) throw new NotFound('Proposal', token);
    const accepted = await this.proposals.acceptCounter(
      actingAsCustomer(ctx, proposal.customer.id),
      String(proposal.id),
    );
    const booking = accepted.booking!.getEntity();
    return this.links.manageToken(booking.id, booking.manageGeneration);
  }

  async book(ctx: RequestContext, input: GuestBookInput): Promise<GuestBooking> {
    const contact = parseContact(input.contact)!;
    const slotIds = parseSlotIds(input.slotIds);
    const notes = guestNotes(input);
    const locale = input.locale == null ? requestLocale(ctx) : parseLocale('locale', input.locale);
    const first = await ctx.em.findOne(Slot, slotIds[0], { populate: ['service'] });
    if (!first) throw new NotFound('Slot', slotIds[0]);
    await this.limits.guestBooking(ctx, contact.email);
    const guestId = await this.guestFor(ctx, contact, locale);
    const guestCtx = actingAsCustomer(ctx, guestId);
    if (first.service.getEntity().bookingMode === BookingMode.APPROVAL)
      return this.proposeAsGuest(guestCtx, input, notes.notes);
    const planned = await this.bookings.plan(guestCtx, guestId, slotIds, input.party, BookingMode.INSTANT);
    const answers = parseAnswers(planned.service.questions, input.answers);
    const plan = { ...planned, answers, ...notes, contact, confirmWithinMinutes: this.confirmMinutes };
    const placed = await this.bookings.place(guestCtx, plan);
    const booking = await ctx.em.fork().findOneOrFail(Booking, placed.row.id, {
      populate: ['service.provider', 'slots.slot', 'payment'],
    });
    const checkoutUrl = booking.payment?.getEntity().checkoutUrl ?? null;
    return {
      nextStep: checkoutUrl ? GuestNextStep.PAY_AT_CHECKOUT : GuestNextStep.CONFIRM_BY_EMAIL,
      booking: lookupOf(booking),
      checkoutUrl,
      holdExpiresAt: booking.holdExpiresAt!,
    };
  }

  /** A guest's request to a service that takes proposals: it holds no seats and confirms nothing. */
  private async proposeAsGuest(
    guestCtx: RequestContext,
    input: GuestBookInput,
    message: string | null,
  ): Promise<GuestBooking> {
    // The provider's answer is what the guest waits for.
    const proposal = await this.proposals.propose(guestCtx, { ...input, message });
    return {
      nextStep: GuestNextStep.WAIT_FOR_PROVIDER,
      booking: null,
      proposalId: String(proposal.id),
      holdExpiresAt: null,
    };
  }

  /**
   * The guest identity of the contact's email, made on its first booking (its name follows the latest).
   * An address that has an account books through it: signed in, with `book`.
   */
  private async guestFor(ctx: RequestContext, contact: Contact, locale: string): Promise<number> {
    const [account] = await run(ctx.em, accountOfEmail(contact.email));
    if (account) throw new Unauthenticated('This email address has an account: sign in to use it, or use another');
    const [row] = await run(ctx.em, upsertGuest(contact.email, contact.name, locale, ctx.clock.now()));
    return row.id;
  }
}
