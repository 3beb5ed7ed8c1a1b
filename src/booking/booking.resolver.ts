import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Extensions,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { Service } from '../catalog/service.entity';
import { connectionType, PageArgs, type Page } from '../graphql/connection';
import type { RequestContext } from '../core/context';
import { Money } from '../graphql/money.type';
import { manages } from '../accounts/ownership';
import { RefundStatus } from '../payments/payment.enums';
import { Payment } from '../payments/payment.entity';
import { PaymentDiscrepancy } from '../payments/payment-discrepancy.entity';
import { Refund } from '../payments/refund.entity';
import Decimal from 'decimal.js';
import { AgreedTermsView, termsView } from './terms.types';
import { byStart, Slot } from '../scheduling/slot.entity';
import { AuditEntry } from './audit-entry.entity';
import type { BookingQueryService } from './booking-query.service';
import { Booking } from './booking.entity';
import { BookingStatus } from './booking.enums';
import { BookInput, ModifyBookingInput, Party, PriceBreakdown } from './booking.inputs';
import { isParticipant } from './booking-access';
import { BookingLookup } from './booking-lookup';
import { bookedParty, bookedPrice, refundedOf } from './booking-view';
import { MAX_NOTE_LENGTH, MAX_SLOTS_PER_BOOKING } from './booking-rules';
import { Contact } from './contact';
import type { BookingService } from './booking.service';
import type { BookingRow } from './place-booking';
import { selectsOnly } from '../graphql/selection';
import type { GraphQLResolveInfo } from 'graphql';
import { listCost, MAX_ROWS, pageCost, textCost } from '../graphql/limits';

/**
 * The fields of Booking answered from its own row: its columns, and party, price, terms and refunded made
 * from them. A `book` that selects only these is answered from what its statement wrote, no entity made.
 */
const ROW_FIELDS: ReadonlySet<string> = new Set([
  '__typename',
  'id',
  'reference',
  'status',
  'startsAt',
  'endsAt',
  'holdExpiresAt',
  'meetingUrl',
  'meetingProvider',
  'notes',
  'specialRequirements',
  'cancellationReason',
  'createdAt',
  'party',
  'price',
  'terms',
  'refunded',
]);

const BookingConnection = connectionType(Booking, 'Booking');

const SERVICE_FILTER = {
  nullable: true,
  description: "Only bookings of this service (the caller's own, else FORBIDDEN; any for admins).",
} as const;

@Resolver(() => Booking)
export class BookingResolver {
  constructor(
    private readonly bookings: BookingService,
    private readonly queries: BookingQueryService,
  ) {}

  @Query(() => Booking, {
    description:
      'One booking, for its customer, the provider of its service and admins (anyone else: FORBIDDEN). Null when no booking has this id.',
    nullable: true,
  })
  booking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: "The booking's id." }) id: string,
  ): Promise<Booking | null> {
    return this.queries.byId(ctx, id);
  }

  @Query(() => Booking, {
    description: 'One booking by its readable reference (e.g. BK-20261201-7KQ2ZD); visible as `booking` is.',
    nullable: true,
  })
  bookingByReference(
    @Ctx() ctx: RequestContext,
    @Arg('reference', () => String, {
      description: 'The reference printed on the confirmation, e.g. BK-20261201-7KQ2ZD.',
    })
    reference: string,
  ): Promise<Booking | null> {
    return this.queries.byReference(ctx, reference);
  }

  @Query(() => BookingLookup, {
    nullable: true,
    description:
      "Public, no sign-in: a booking found by its reference AND the email it was made with (the customer's or the guest contact's), with what its customer needs (times, status, party, price) and nothing private. Null alike for an unknown reference and a wrong email. Failed lookups are limited per client address (RATE_LIMITED).",
  })
  lookupBooking(
    @Ctx() ctx: RequestContext,
    @Arg('reference', () => String, {
      description: 'The reference on the confirmation, e.g. BK-20261201-7KQ2ZD; any case.',
    })
    reference: string,
    @Arg('email', () => String, { description: 'The email the booking was made with; any case.' }) email: string,
  ): Promise<BookingLookup | null> {
    return this.queries.lookup(ctx, reference, email);
  }

  @Authorized()
  @Query(() => [Booking], {
    description: `The caller's bookings by start; at most ${MAX_ROWS.bookings}, the rest cut off silently (myBookingsConnection reads them all).`,
    deprecationReason: 'use myBookingsConnection',
    complexity: listCost(10, MAX_ROWS.bookings),
  })
  myBookings(
    @Ctx() ctx: RequestContext,
    @Arg('status', () => BookingStatus, {
      description: 'Only bookings in this status; all statuses when omitted.',
      nullable: true,
    })
    status?: BookingStatus | null,
  ): Promise<Booking[]> {
    return this.queries.mine(ctx, status);
  }

  @Authorized()
  @Query(() => BookingConnection, {
    description: "The caller's bookings by start, a page at a time.",
    complexity: pageCost(10),
  })
  myBookingsConnection(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => BookingStatus, {
      description: 'Only bookings in this status; all statuses when omitted.',
      nullable: true,
    })
    status?: BookingStatus | null,
  ): Promise<Page<Booking>> {
    return this.queries.mineConnection(ctx, status, page);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [Booking], {
    description: `Bookings on the caller's services (admins: all) by start; at most ${MAX_ROWS.bookings}, the rest cut off silently (providerBookingsConnection reads them all).`,
    deprecationReason: 'use providerBookingsConnection',
    complexity: listCost(10, MAX_ROWS.bookings),
  })
  providerBookings(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => Date, { description: 'Only bookings starting at or after this instant.', nullable: true })
    from?: Date | null,
    @Arg('to', () => Date, { description: 'Only bookings starting before this instant.', nullable: true })
    to?: Date | null,
    @Arg('status', () => BookingStatus, {
      description: 'Only bookings in this status; all statuses when omitted.',
      nullable: true,
    })
    status?: BookingStatus | null,
    @Arg('serviceId', () => ID, SERVICE_FILTER) serviceId?: string | null,
  ): Promise<Booking[]> {
    return this.queries.ofProvider(ctx, { from, to, status, serviceId });
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => BookingConnection, {
    description: "Bookings on the caller's services (admins: all) by start, a page at a time.",
    complexity: pageCost(10),
  })
  providerBookingsConnection(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('from', () => Date, { description: 'Only bookings starting at or after this instant.', nullable: true })
    from?: Date | null,
    @Arg('to', () => Date, { description: 'Only bookings starting before this instant.', nullable: true })
    to?: Date | null,
    @Arg('status', () => BookingStatus, {
      description: 'Only bookings in this status; all statuses when omitted.',
      nullable: true,
    })
    status?: BookingStatus | null,
    @Arg('serviceId', () => ID, SERVICE_FILTER) serviceId?: string | null,
  ): Promise<Page<Booking>> {
    return this.queries.ofProviderConnection(ctx, { from, to, status, serviceId }, page);
  }

  @Authorized()
  @Extensions({ chargedByStatement: true })
  @Mutation(() => Booking, {
    description:
      "Books seats on open slots of one INSTANT service for a party (customers and admins; not on one's own service: OWN_SERVICE). Free services confirm at once; paid ones start PENDING_PAYMENT with seats held. Errors: SLOT_UNAVAILABLE (extensions.slotId), CAPACITY_EXCEEDED (extensions.waitlistAvailable), APPROVAL_REQUIRED, PAYMENT_PROVIDER_UNAVAILABLE.",
  })
  async book(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => BookInput, { description: 'The slots and the party.' }) input: BookInput,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Booking | BookingRow> {
    const written = await this.bookings.book(ctx, input);
    return selectsOnly(info, ROW_FIELDS) ? written.row : written.entity();
  }

  @Authorized()
  @Mutation(() => Booking, {
    description:
      'Moves a CONFIRMED or PENDING_PAYMENT booking to other slots and/or another party at once, or changes nothing; the price is recomputed (a lower paid total refunds the difference within the policy; a higher one is PAYMENT_REQUIRED). Its customer, its provider or an admin.',
  })
  modifyBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The booking to change.' }) id: string,
    @Arg('input', () => ModifyBookingInput, { description: 'What changes; omitted fields stay.' })
    input: ModifyBookingInput,
  ): Promise<Booking> {
    return this.bookings.modify(ctx, id, input);
  }

  @Authorized()
  @Mutation(() => Booking, {
    description:
      'Cancels a booking and frees its seats. A paid booking is refunded in full when the provider cancels or the customer cancels at least cutoffHours before the start. Its customer, its provider or an admin.',
  })
  cancelBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The booking to cancel.' }) id: string,
    @Arg('reason', () => String, {
      description: 'Why, told to the other side and kept in the history.',
      nullable: true,
    })
    reason?: string | null,
  ): Promise<Booking> {
    return this.bookings.cancel(ctx, id, reason);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Booking, {
    description: 'The provider (or an admin) marks a CONFIRMED booking as COMPLETED, or NO_SHOW, after it started.',
  })
  completeBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The booking.' }) id: string,
    @Arg('noShow', () => Boolean, {
      description: 'true: the customer did not come (NO_SHOW).',
      nullable: true,
      defaultValue: false,
    })
    noShow?: boolean | null,
  ): Promise<Booking> {
    return this.bookings.complete(ctx, id, noShow ?? false);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Booking, {
    description:
      'The provider (or an admin) gives money back on a paid booking; partial refunds add up in `refunded` until the amount paid is used up. The booking reads REFUNDED only once the bank confirmed everything.',
  })
  refundBooking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The booking.' }) id: string,
    @Arg('amount', () => String, {
      description: 'Decimal amount in the booking\'s currency, e.g. "20.00"; omitted: everything not yet refunded.',
      nullable: true,
    })
    amount?: string | null,
  ): Promise<Booking> {
    return this.bookings.refund(ctx, id, amount);
  }

  @FieldResolver(() => Service, { description: 'The service booked.' })
  service(@Root() booking: Booking): Promise<Service> {
    return booking.service.loadOrFail();
  }

  @FieldResolver(() => User, { description: 'The account that booked.' })
  customer(@Root() booking: Booking): Promise<User> {
    return booking.customer.loadOrFail();
  }

  @FieldResolver(() => Payment, {
    description: 'The card payment of a paid booking; null for free bookings.',
    nullable: true,
  })
  payment(@Root() booking: Booking): Promise<Payment | null> | null {
    return booking.payment ? booking.payment.load() : null;
  }

  @FieldResolver(() => [Slot], {
    description: `The slots whose seats it takes, by start; at most ${MAX_SLOTS_PER_BOOKING}.`,
    complexity: listCost(1, MAX_SLOTS_PER_BOOKING),
  })
  async slots(@Root() booking: Booking): Promise<Slot[]> {
    const entries = await booking.slots.load();
    const slots = await Promise.all(entries.getItems().map((entry) => entry.slot.loadOrFail()));
    return slots.sort(byStart);
  }

  @FieldResolver(() => Party, { description: 'Who comes: adults, children, infants; each person takes a seat.' })
  party(@Root() booking: BookingRow): Party {
    return bookedParty(booking);
  }

  @FieldResolver(() => PriceBreakdown, {
    description:
      'What it costs, computed with exact decimals when booked or modified, at the terms agreed (a change keeps them for what it keeps).',
  })
  price(@Root() booking: BookingRow): PriceBreakdown {
    return bookedPrice(booking);
  }

  @FieldResolver(() => AgreedTermsView, {
    description:
      'The rates, currency and cancellation policy the customer agreed to when booking (or proposing, or joining the waitlist); later changes to the service do not touch them.',
  })
  terms(@Root() booking: BookingRow): AgreedTermsView {
    return termsView(booking.terms);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description:
      'Money the bank confirmed given back so far (null when none): SUCCEEDED refunds only; see refunds for those on their way.',
  })
  refunded(@Root() booking: BookingRow): Money | null {
    return refundedOf(booking);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description:
      'Money asked back and not yet confirmed by the bank (PENDING or REQUIRES_ACTION refunds); null when none.',
  })
  async refundPending(@Root() booking: Booking): Promise<Money | null> {
    const pending = (await booking.refunds.load())
      .getItems()
      .filter((refund) => refund.status === RefundStatus.PENDING || refund.status === RefundStatus.REQUIRES_ACTION);
    if (pending.length === 0) return null;
    return Money.of(
      pending.reduce((sum, refund) => sum.plus(refund.amount), new Decimal(0)),
      booking.currency,
    );
  }

  @FieldResolver(() => [Refund], {
    description: `Every refund asked for, oldest first, at most ${MAX_ROWS.bookingRefunds}, with where it is (only SUCCEEDED ones count in refunded).`,
    complexity: listCost(1, MAX_ROWS.bookingRefunds),
  })
  async refunds(@Root() booking: Booking): Promise<Refund[]> {
    return (await booking.refunds.load()).getItems().slice(0, MAX_ROWS.bookingRefunds);
  }

  @FieldResolver(() => [PaymentDiscrepancy], {
    description: `Payment successes Stripe reported for another amount or currency than the booking's (none confirmed it), at most ${MAX_ROWS.bookingRefunds}: its provider and admins only; empty for anyone else.`,
    complexity: listCost(1, MAX_ROWS.bookingRefunds),
  })
  async paymentDiscrepancies(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<PaymentDiscrepancy[]> {
    if (!(await manages(ctx, (await booking.service.loadOrFail()).provider))) return [];
    return ctx.em.find(
      PaymentDiscrepancy,
      { booking: booking.id },
      { orderBy: { id: 'asc' }, limit: MAX_ROWS.bookingRefunds },
    );
  }

  @FieldResolver(() => Contact, {
    nullable: true,
    description:
      "Who the booking is for, when not the account holder: the booking's participants (its customer, its provider, admins) only; null for anyone else.",
  })
  async contact(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<Contact | null> {
    return booking.contact && (await isParticipant(ctx, booking)) ? booking.contact : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The party's dietary restrictions: the booking's participants only; null for anyone else.",
    complexity: textCost(MAX_NOTE_LENGTH),
  })
  async dietaryRestrictions(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<string | null> {
    return booking.dietaryRestrictions && (await isParticipant(ctx, booking)) ? booking.dietaryRestrictions : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The party's accessibility needs: the booking's participants only; null for anyone else.",
    complexity: textCost(MAX_NOTE_LENGTH),
  })
  async accessibilityNeeds(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<string | null> {
    return booking.accessibilityNeeds && (await isParticipant(ctx, booking)) ? booking.accessibilityNeeds : null;
  }

  @FieldResolver(() => [AuditEntry], {
    description: `The changes to the booking (audit trail), oldest first: at most the newest ${MAX_ROWS.history}.`,
    complexity: listCost(1, MAX_ROWS.history),
  })
  history(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<AuditEntry[]> {
    return this.queries.history(ctx, booking);
  }
}

/**
 * Who made a change is named by display name and role; the account itself (and its login email) only to
 * admins and to the actor. Null where the server acted on its own.
 */
@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description:
      'The account that made the change: shown to admins and to that account only (see actorName and actorRole).',
  })
  actor(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    const viewer = ctx.actor;
    if (!entry.actor || !viewer || (viewer.role !== Role.ADMIN && viewer.userId !== entry.actor.id)) return null;
    return entry.actor.load();
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The display name of who made the change; null when the server acted on its own.',
  })
  async actorName(@Root() entry: AuditEntry): Promise<string | null> {
    return entry.actor ? (await entry.actor.loadOrFail()).name : null;
  }

  @FieldResolver(() => Role, {
    nullable: true,
    description: 'The role of who made the change; null when the server acted on its own.',
  })
  async actorRole(@Root() entry: AuditEntry): Promise<Role | null> {
    return entry.actor ? (await entry.actor.loadOrFail()).role : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The client address of the request that made the change: shown to admins only; null otherwise, and for changes the server made on its own.',
  })
  ip(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor?.role === Role.ADMIN ? (entry.ip ?? null) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The User-Agent of the request that made the change: shown to admins only; null otherwise, and for changes the server made on its own.',
  })
  userAgent(@Root() entry: AuditEntry, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor?.role === Role.ADMIN ? (entry.userAgent ?? null) : null;
  }
}
