import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { MAX_NOTE_LENGTH } from '../booking/booking-rules';
import type { RequestContext } from '../core/context';
import { textCost } from '../graphql/limits';
import type { GuestBookingService } from './guest-booking.service';
import { GuestBooking, GuestBookInput, GuestWaitlistInput, ManagedBooking } from './guest.types';
import { WaitlistEntry } from '../waitlist/waitlist-entry.entity';
import type { ManageService } from './manage.service';

const TOKEN = { description: 'The manage token, from the link `<PUBLIC_URL>/manage/<token>` a booking email carries.' };
const REASON = {
  nullable: true,
  description: 'Why, told to the provider and kept in the history.',
  complexity: textCost(MAX_NOTE_LENGTH),
} as const;

/** Guest bookings and manage links (docs/guest-bookings.md): no sign-in; the manage token is the proof. */
@Resolver()
export class GuestResolver {
  constructor(
    private readonly guests: GuestBookingService,
    private readonly manage: ManageService,
  ) {}

  @Mutation(() => GuestBooking, {
    description:
      "Books without an account, for a contact (name, email); on an APPROVAL service, sends a proposal instead (WAIT_FOR_PROVIDER, proposalId). Free: PENDING_CONFIRMATION, seats held until the guest confirms from the link mailed to the email. Paid: PENDING_PAYMENT, pay at checkoutUrl (Stripe Checkout). An email that has an account is UNAUTHENTICATED (sign in and book); limited per client address and per email (RATE_LIMITED); the email's holds count against the HOLD_LIMIT caps. Else as `book`.",
  })
  bookAsGuest(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => GuestBookInput, { description: 'The slots, the party and who books.' }) input: GuestBookInput,
  ): Promise<GuestBooking> {
    return this.guests.book(ctx, input);
  }

  @Mutation(() => WaitlistEntry, {
    description:
      'Queues without an account for a full slot or date, as `joinWaitlist` (the same order, offers and emails), for a contact (name, email): the offer email goes to the email and carries a link that claims it. An email that has an account is UNAUTHENTICATED (sign in and joinWaitlist); limited as bookAsGuest is (RATE_LIMITED).',
  })
  joinWaitlistAsGuest(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => GuestWaitlistInput, { description: 'What to queue for and who queues.' })
    input: GuestWaitlistInput,
  ): Promise<WaitlistEntry> {
    return this.guests.joinWaitlist(ctx, input);
  }

  @Mutation(() => ManagedBooking, {
    description:
      "Claims a guest's waitlist offer as claimWaitlistOffer does, before offerExpiresAt: the seats held become a booking, opened by its manage token: CONFIRMED, or on a paid service PENDING_PAYMENT with its Stripe Checkout url (checkoutUrl; paying confirms it). A forged or altered token is NOT_FOUND; an offer no longer open, INVALID_TRANSITION.",
  })
  async claimWaitlistOfferAsGuest(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, {
      description: 'The claim token, from the link `<PUBLIC_URL>/waitlist-offer/<token>` the offer email carries.',
    })
    token: string,
  ): Promise<ManagedBooking> {
    return this.manage.view(ctx, await this.guests.claimOffer(ctx, token));
  }

  @Query(() => ManagedBooking, {
    description:
      'The booking a manage token opens, and what may be done with it. A forged, altered or revoked token is NOT_FOUND (extensions.reason INVALID or REVOKED); one whose booking has ended, NOT_FOUND with reason EXPIRED.',
  })
  bookingByManageToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, TOKEN) token: string,
  ): Promise<ManagedBooking> {
    return this.manage.view(ctx, token);
  }

  @Mutation(() => ManagedBooking, {
    description:
      "Confirms a guest's PENDING_CONFIRMATION booking (the emailed link proves the address); a CONFIRMED one stays so.",
  })
  confirmBookingByManageToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, TOKEN) token: string,
  ): Promise<ManagedBooking> {
    return this.manage.confirm(ctx, token);
  }

  @Mutation(() => ManagedBooking, {
    description:
      'Cancels the booking as its customer would with cancelBooking: the same cutoff and refund rules, emails, webhooks and waitlist hand-off.',
  })
  cancelBookingByManageToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, TOKEN) token: string,
    @Arg('reason', () => String, REASON) reason?: string | null,
  ): Promise<ManagedBooking> {
    return this.manage.cancel(ctx, token, reason);
  }

  @Mutation(() => ManagedBooking, {
    description:
      'Moves the booking to other free slots of its service, as its customer would with modifyBooking (a lower price refunds within the policy; a higher one is PAYMENT_REQUIRED).',
  })
  rescheduleBookingByManageToken(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, TOKEN) token: string,
    @Arg('slotIds', () => [ID], { description: 'The new slots, of the same service.' }) slotIds: string[],
    @Arg('reason', () => String, REASON) reason?: string | null,
  ): Promise<ManagedBooking> {
    return this.manage.reschedule(ctx, token, slotIds, reason);
  }

  @Mutation(() => Boolean, {
    description:
      "Ends every manage link of the booking (this one too) and mails a new one to the booking's customer address.",
  })
  revokeManageLinks(@Ctx() ctx: RequestContext, @Arg('token', () => String, TOKEN) token: string): Promise<boolean> {
    return this.manage.revoke(ctx, token);
  }
}
