import { Role } from '../accounts/role';
import type { RateLimits } from '../accounts/rate-limits';
import { BookingMode } from '../catalog/service.enums';
import { parseAnswers } from '../booking/answers';
import { lookupOf } from '../booking/booking-lookup';
import { isPaid } from '../booking/booking-plan';
import { MAX_NOTE_LENGTH, parseSlotIds } from '../booking/booking-rules';
import type { BookingService } from '../booking/booking.service';
import { Booking } from '../booking/booking.entity';
import { parseContact, type Contact } from '../booking/contact';
import { assertMayHold } from '../booking/hold-policy';
import { placeBooking, type Placement } from '../booking/place-booking';
import { newReference } from '../booking/reference';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { inOneStatement, type Actor, type RequestContext } from '../core/context';
import { NotFound, Unauthenticated } from '../core/errors';
import { optionalText } from '../core/validate';
import type { Links } from '../notifications/links';
import type { PaymentService } from '../payments/payment.service';
import { parseLocale, requestLocale } from '../i18n';
import type { ProposalService } from '../proposals/proposal.service';
import { Slot } from '../scheduling/slot.entity';
import { GuestNextStep, type GuestBookInput, type GuestBooking } from './guest.types';
import { run } from '../core/sql';
import { accountOfEmail, nextBookingId, upsertGuest } from './guest.sql';

/**
 * The context of `ctx` acting as `userId`, a customer: a guest booking (its guest identity) or the holder of
 * a booking's manage link (its customer). No session stands behind it (sessionId 0): nothing ends it.
 */
export function actingAsCustomer(ctx: RequestContext, userId: number): RequestContext {
  const actor: Actor = { userId, role: Role.CUSTOMER, sessionId: 0 };
  return Object.assign(Object.create(Object.getPrototypeOf(ctx)) as RequestContext, ctx, { actor });
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
    private readonly lifecycle: BookingLifecycle,
    private readonly payments: PaymentService,
    private readonly limits: RateLimits,
    private readonly links: Links,
    private readonly confirmMinutes: number,
    private readonly proposals: ProposalService,
  ) {}

  async book(ctx: RequestContext, input: GuestBookInput): Promise<GuestBooking> {
    const contact = parseContact(input.contact)!;
    const slotIds = parseSlotIds(input.slotIds);
    const notes = optionalText('notes', input.notes, MAX_NOTE_LENGTH);
    const specialRequirements = optionalText('specialRequirements', input.specialRequirements, MAX_NOTE_LENGTH);
    const dietaryRestrictions = optionalText('dietaryRestrictions', input.dietaryRestrictions, MAX_NOTE_LENGTH);
    const accessibilityNeeds = optionalText('accessibilityNeeds', input.accessibilityNeeds, MAX_NOTE_LENGTH);
    const locale = input.locale == null ? requestLocale(ctx) : parseLocale('locale', input.locale);
    const first = await ctx.em.findOne(Slot, slotIds[0], { populate: ['service'] });
    if (!first) throw new NotFound('Slot', slotIds[0]);
    await this.limits.guestBooking(ctx, contact.email);
    const guestId = await this.guestFor(ctx, contact, locale);
    const guestCtx = actingAsCustomer(ctx, guestId);
    if (first.service.getEntity().bookingMode === BookingMode.APPROVAL) {
      // A proposal holds no seats and confirms nothing: the provider's answer is what the guest waits for.
      const proposal = await this.proposals.propose(guestCtx, { ...input, message: notes });
      return {
        nextStep: GuestNextStep.WAIT_FOR_PROVIDER,
        booking: null,
        proposalId: String(proposal.id),
        holdExpiresAt: null,
      };
    }
    const planned = await this.bookings.plan(guestCtx, guestId, slotIds, input.party, BookingMode.INSTANT);
    const plan = {
      ...planned,
      answers: parseAnswers(planned.service.questions, input.answers),
      notes,
      specialRequirements,
      contact,
      dietaryRestrictions,
      accessibilityNeeds,
    };
    const [{ id }] = await run(ctx.em, nextBookingId());
    const reference = newReference(ctx.clock.now());
    await assertMayHold(guestCtx, plan); // before Stripe is asked for anything
    const paid = isPaid(plan);
    const checkout = paid
      ? await this.payments.startCheckout({
          id,
          reference,
          total: plan.terms.total,
          currency: plan.terms.currency,
          name: `${plan.service.name} (${reference})`,
          email: contact.email,
          returnUrl: this.links.manage(id, 0),
          now: ctx.clock.now(),
        })
      : null;
    const placement: Placement = {
      id,
      reference,
      plan,
      intent: null,
      checkout,
      awaitsConfirmation: !paid,
      holdMinutes: paid ? this.payments.holdMinutes : this.confirmMinutes,
    };
    let placed: Booking;
    try {
      placed = await inOneStatement(guestCtx, (tx) => placeBooking(tx, this.lifecycle, placement));
    } catch (error) {
      // Nobody got the session's url: it is expired at Stripe, so that it can never be paid.
      if (checkout) this.payments.expireCheckout(checkout.id).catch(() => undefined);
      throw error;
    }
    const booking = await ctx.em.fork().findOneOrFail(Booking, placed.id, {
      populate: ['service.provider', 'slots.slot'],
    });
    return {
      nextStep: paid ? GuestNextStep.PAY_AT_CHECKOUT : GuestNextStep.CONFIRM_BY_EMAIL,
      booking: lookupOf(booking),
      checkoutUrl: checkout?.url ?? null,
      holdExpiresAt: booking.holdExpiresAt!,
    };
  }

  /**
   * The guest identity of the contact's email, made on its first booking (its name follows the latest).
   * An address that has an account books through it: signed in, with `book`.
   */
  private async guestFor(ctx: RequestContext, contact: Contact, locale: string): Promise<number> {
    const [account] = await run(ctx.em, accountOfEmail(contact.email));
    if (account)
      throw new Unauthenticated('This email address has an account: sign in to book with it (book), or use another');
    const [row] = await run(ctx.em, upsertGuest(contact.email, contact.name, locale, ctx.clock.now()));
    return row.id;
  }
}
