import { lockBookingWhere } from '../booking/booking-locks';
import { lookupOf } from '../booking/booking-lookup';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import type { BookingService } from '../booking/booking.service';
import { seatColumn } from '../booking/booking.state';
import { inTransaction, type RequestContext } from '../core/context';
import { DomainError } from '../core/errors';
import { jobs } from '../jobs';
import type { Links } from '../notifications/links';
import { PaymentStatus } from '../payments/payment.enums';
import { actingAsCustomer } from './guest-booking.service';
import type { ManagedBooking } from './guest.types';

/** Why a manage token opens nothing: not ours (or altered), its links were revoked, or its booking has ended. */
export type ClosedReason = 'INVALID' | 'REVOKED' | 'EXPIRED';

export class ManageLinkClosed extends DomainError {
  constructor(readonly reason: ClosedReason) {
    super(
      'NOT_FOUND',
      reason === 'EXPIRED'
        ? 'This booking has ended: its manage link no longer works'
        : 'This manage link does not open a booking: use the link from your latest email',
      { reason },
    );
  }
}

/**
 * What a booking's manage link lets its holder do (docs/guest-bookings.md): see it, confirm a guest's
 * booking, cancel it, move it, end its links. Each action is the signed-in customer's own (cancel,
 * modifyBooking) done as the booking's customer, so the same rules, money terms, emails, webhooks and
 * live events apply. A token opens its one booking, until that booking ends or its links are revoked.
 */
export class ManageService {
  constructor(
    private readonly bookings: BookingService,
    private readonly lifecycle: BookingLifecycle,
    private readonly links: Links,
  ) {}

  /** The booking a token opens now, read afresh; ManageLinkClosed when none. */
  async open(ctx: RequestContext, token: string): Promise<Booking> {
    const named = this.links.managed(token);
    if (!named) throw new ManageLinkClosed('INVALID');
    const booking = await ctx.em.fork().findOne(Booking, named.bookingId, {
      populate: ['service.provider', 'slots.slot', 'payment'],
    });
    if (!booking) throw new ManageLinkClosed('INVALID');
    if (booking.manageGeneration !== named.generation) throw new ManageLinkClosed('REVOKED');
    if (booking.endsAt <= ctx.clock.now()) throw new ManageLinkClosed('EXPIRED');
    return booking;
  }

  async view(ctx: RequestContext, token: string): Promise<ManagedBooking> {
    return this.viewOf(ctx, await this.open(ctx, token));
  }

  /** A guest's free booking awaiting confirmation becomes CONFIRMED: the link mailed to its address proves it. */
  async confirm(ctx: RequestContext, token: string): Promise<ManagedBooking> {
    const { customer, id } = await this.open(ctx, token);
    await inTransaction(actingAsCustomer(ctx, customer.id), async (tx) => {
      const booking = (await lockBookingWhere(tx, { id }))!;
      if (booking.status === BookingStatus.CONFIRMED) return; // a second click changes nothing
      await this.lifecycle.move(tx, booking, BookingStatus.CONFIRMED, 'user', 'confirmed from the emailed link');
    });
    return this.view(ctx, token);
  }

  async cancel(ctx: RequestContext, token: string, reason?: string | null): Promise<ManagedBooking> {
    const booking = await this.open(ctx, token);
    await this.bookings.cancel(actingAsCustomer(ctx, booking.customer.id), String(booking.id), reason);
    return this.view(ctx, token);
  }

  async reschedule(
    ctx: RequestContext,
    token: string,
    slotIds: string[],
    reason?: string | null,
  ): Promise<ManagedBooking> {
    const booking = await this.open(ctx, token);
    await this.bookings.modify(actingAsCustomer(ctx, booking.customer.id), String(booking.id), { slotIds, reason });
    return this.view(ctx, token);
  }

  /** Ends every manage link of the booking and mails its customer a new one (a link that leaked stops working). */
  async revoke(ctx: RequestContext, token: string): Promise<boolean> {
    const { id } = await this.open(ctx, token);
    await inTransaction(ctx, async (tx) => {
      const booking = (await lockBookingWhere(tx, { id }))!;
      booking.manageGeneration += 1;
      tx.effects.addJob(jobs.manageLinkMail(booking.id));
    });
    return true;
  }

  private viewOf(ctx: RequestContext, booking: Booking): ManagedBooking {
    const now = ctx.clock.now();
    const payment = booking.payment?.getEntity();
    return {
      token: this.links.manageToken(booking.id, booking.manageGeneration),
      booking: lookupOf(booking),
      serviceId: String(booking.service.id),
      canConfirm: booking.status === BookingStatus.PENDING_CONFIRMATION,
      canCancel:
        booking.startsAt > now &&
        [BookingStatus.PENDING_CONFIRMATION, BookingStatus.PENDING_PAYMENT, BookingStatus.CONFIRMED].includes(
          booking.status,
        ),
      canReschedule: booking.startsAt > now && seatColumn(booking.status) !== null,
      checkoutUrl:
        booking.status === BookingStatus.PENDING_PAYMENT && payment?.status === PaymentStatus.REQUIRES_ACTION
          ? (payment.checkoutUrl ?? null)
          : null,
    };
  }
}
