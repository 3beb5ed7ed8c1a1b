import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { Money } from '../core/money.type';
import { Payment } from '../payments/payment.entity';
import { byStart, Slot } from '../scheduling/slot.entity';
import { AuditEntry } from './audit-entry.entity';
import type { BookingQueryService } from './booking-query.service';
import { Booking } from './booking.entity';
import { BookingStatus } from './booking.enums';
import { BookInput, ModifyBookingInput, Party, PriceBreakdown } from './booking.inputs';
import { isParticipant } from './booking-access';
import { Contact } from './contact';
import type { BookingService } from './booking.service';
import { listCost, MAX_ROWS } from '../core/limits';

@Resolver(() => Booking)
export class BookingResolver {
  constructor(
    private readonly bookings: BookingService,
    private readonly queries: BookingQueryService,
  ) {}

  @Query(() => Booking, { nullable: true })
  booking(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Booking | null> {
    return this.queries.byId(ctx, id);
  }

  @Query(() => Booking, { nullable: true })
  bookingByReference(@Ctx() ctx: RequestContext, @Arg('reference', () => String) reference: string): Promise<Booking | null> {
    return this.queries.byReference(ctx, reference);
  }

  @Authorized()
  @Query(() => [Booking], { description: `The caller's bookings by start; at most ${MAX_ROWS.bookings}.`, complexity: listCost(10) })
  myBookings(@Ctx() ctx: RequestContext, @Arg('status', () => BookingStatus, { nullable: true }) status?: BookingStatus | null): Promise<Booking[]> {
    return this.queries.mine(ctx, status);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [Booking], { description: `Bookings on the caller's services (admins: all) by start; at most ${MAX_ROWS.bookings}.`, complexity: listCost(10) })
  providerBookings(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => Date, { nullable: true }) from?: Date | null,
    @Arg('to', () => Date, { nullable: true }) to?: Date | null,
    @Arg('status', () => BookingStatus, { nullable: true }) status?: BookingStatus | null,
  ): Promise<Booking[]> {
    return this.queries.ofProvider(ctx, { from, to, status });
  }

  @Authorized()
  @Mutation(() => Booking)
  book(@Ctx() ctx: RequestContext, @Arg('input', () => BookInput) input: BookInput): Promise<Booking> {
    return this.bookings.book(ctx, input);
  }

  @Authorized()
  @Mutation(() => Booking)
  modifyBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ModifyBookingInput) input: ModifyBookingInput,
  ): Promise<Booking> {
    return this.bookings.modify(ctx, id, input);
  }

  @Authorized()
  @Mutation(() => Booking)
  cancelBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<Booking> {
    return this.bookings.cancel(ctx, id, reason);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Booking)
  completeBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('noShow', () => Boolean, { nullable: true, defaultValue: false }) noShow?: boolean | null,
  ): Promise<Booking> {
    return this.bookings.complete(ctx, id, noShow ?? false);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Booking)
  refundBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('amount', () => String, { nullable: true }) amount?: string | null,
  ): Promise<Booking> {
    return this.bookings.refund(ctx, id, amount);
  }

  @FieldResolver(() => Service)
  service(@Root() booking: Booking): Promise<Service> {
    return booking.service.loadOrFail();
  }

  @FieldResolver(() => User)
  customer(@Root() booking: Booking): Promise<User> {
    return booking.customer.loadOrFail();
  }

  @FieldResolver(() => Payment, { nullable: true })
  payment(@Root() booking: Booking): Promise<Payment | null> | null {
    return booking.payment ? booking.payment.load() : null;
  }

  @FieldResolver(() => [Slot], { complexity: listCost(1) })
  async slots(@Root() booking: Booking): Promise<Slot[]> {
    const entries = await booking.slots.load();
    const slots = await Promise.all(entries.getItems().map((entry) => entry.slot.loadOrFail()));
    return slots.sort(byStart);
  }

  @FieldResolver(() => Party)
  party(@Root() booking: Booking): Party {
    return { adults: booking.adults, children: booking.children, infants: booking.infants, total: booking.partySize };
  }

  @FieldResolver(() => PriceBreakdown)
  price(@Root() booking: Booking): PriceBreakdown {
    const money = (amount: string) => Money.of(amount, booking.currency);
    return { subtotal: money(booking.subtotal), discount: money(booking.discount), tax: money(booking.tax), total: money(booking.total) };
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Money given back so far (null when nothing was refunded).' })
  refunded(@Root() booking: Booking): Money | null {
    return booking.refundedAmount ? Money.of(booking.refundedAmount, booking.currency) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: "Who the booking is for, when not the account holder: the booking's participants (its customer, its provider, admins) only; null for anyone else." })
  async contact(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<Contact | null> {
    return booking.contact && (await isParticipant(ctx, booking)) ? booking.contact : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The party's dietary restrictions: the booking's participants only; null for anyone else." })
  async dietaryRestrictions(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<string | null> {
    return booking.dietaryRestrictions && (await isParticipant(ctx, booking)) ? booking.dietaryRestrictions : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The party's accessibility needs: the booking's participants only; null for anyone else." })
  async accessibilityNeeds(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<string | null> {
    return booking.accessibilityNeeds && (await isParticipant(ctx, booking)) ? booking.accessibilityNeeds : null;
  }

  @FieldResolver(() => [AuditEntry], { complexity: listCost(1) })
  async history(@Root() booking: Booking): Promise<AuditEntry[]> {
    return (await booking.history.load()).getItems();
  }
}

/**
 * Who made a change is named by display name and role; the account itself (and its login email) only to
 * admins and to the actor. Null where the server acted on its own.
 */
@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @FieldResolver(() => User, { nullable: true, description: "The account that made the change: shown to admins and to that account only (see actorName and actorRole)." })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    const viewer = ctx.actor;
    if (!entry.actor || !viewer || (viewer.role !== Role.ADMIN && viewer.userId !== entry.actor.id)) return null;
    return entry.actor.load();
  }

  @FieldResolver(() => String, { nullable: true, description: 'The display name of who made the change; null when the server acted on its own.' })
  async actorName(@Root() entry: AuditEntry): Promise<string | null> {
    return entry.actor ? (await entry.actor.loadOrFail()).name : null;
  }

  @FieldResolver(() => Role, { nullable: true, description: 'The role of who made the change; null when the server acted on its own.' })
  async actorRole(@Root() entry: AuditEntry): Promise<Role | null> {
    return entry.actor ? (await entry.actor.loadOrFail()).role : null;
  }
}
