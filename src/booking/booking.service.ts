import Decimal from 'decimal.js';
import { requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { BookingMode } from '../catalog/service.enums';
import { inOneStatement, inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput, DomainError, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_AMOUNT, formatAmount, parseAmount } from '../core/money';
import { optionalText } from '../core/validate';
import { PaymentStatus } from '../payments/payment.enums';
import type { Payment } from '../payments/payment.entity';
import type { PaymentService } from '../payments/payment.service';
import { Slot } from '../scheduling/slot.entity';
import { parseAnswers } from './answers';
import { assertParticipant, assertProviderOf } from './booking-access';
import type { MoneyOutcome } from './booking-events';
import { snapshot, seatsOf, type BookingLifecycle } from './booking-lifecycle';
import { lockBookingWhere } from './booking-locks';
import { bookingTerms, isPaid, meetingProviderOf, offerNow, type BookingPlan, type Offer } from './booking-plan';
import { MAX_NOTE_LENGTH, assertRoom, checkSlots, parseParty, parseSlotIds } from './booking-rules';
import { Booking, BookingSlot } from './booking.entity';
import { parseContact } from './contact';
import { BookingStatus } from './booking.enums';
import type { BookInput, ModifyBookingInput, PartyInput } from './booking.inputs';
import { BOOKING_STATES } from './booking.state';
import { assertMayHold } from './hold-policy';
import { withPromoCode } from '../promotions/promo-uses';
import { placeBooking, type Placement, type WrittenBooking } from './place-booking';
import { SeatGate } from './seat-gate';
import { bookingSlots, nextBookingIds, seatsLeft, type ReadService } from './booking-reads.sql';
import { run } from '../core/sql';
import type { BookableService, BookableSlot } from './bookable';
import { changeableColumn, changedTerms, moveSeats } from './booking-change';
import type { PartySize } from './pricing';
import { newReference } from './reference';
import { dueBack } from './terms';

/** Statuses whose money the provider may give back with refundBooking (a CONFIRMED one only in part). */
const REFUNDABLE: ReadonlySet<BookingStatus> = new Set([
  BookingStatus.CONFIRMED,
  BookingStatus.CANCELLED,
  BookingStatus.COMPLETED,
  BookingStatus.NO_SHOW,
  BookingStatus.EXPIRED,
]);

/**
 * The service of the slots read (bookingSlots), if this customer may book it in this mode: it is not their
 * own, takes that mode and is published (else its slots do not show: NOT_FOUND).
 */
export function bookableService(
  service: ReadService | undefined,
  firstId: number,
  customerId: number,
  mode: BookingMode,
): ReadService {
  if (!service) throw new NotFound('Slot', firstId);
  if (service.provider.userId === customerId) throw new DomainError('OWN_SERVICE', 'You cannot book your own service');
  if (service.bookingMode !== mode) {
    if (mode === BookingMode.INSTANT)
      throw new DomainError('APPROVAL_REQUIRED', 'This service takes proposals: use propose');
    throw new BadInput('slotIds', 'this service books instantly: use book');
  }
  if (!service.active) throw new NotFound('Slot', firstId); // an unpublished service does not show its slots
  return service;
}

/** A card payment started for a booking about to be made (Placement's), or none. */
type StartedPayment = Pick<Placement, 'intent'> & { checkout: NonNullable<Placement['checkout']> | null };
const NO_PAYMENT: StartedPayment = { intent: null, checkout: null };

/** Book, modify, cancel, complete and refund: each one transaction (book: one statement) that moves seats and publishes its change. */
export class BookingService {
  /** This process's view of hot slots (seat-gate.ts). */
  private readonly seats = new SeatGate(seatsLeft);

  constructor(
    private readonly lifecycle: BookingLifecycle,
    private readonly payments: PaymentService,
    /** Where a guest's Stripe Checkout comes back to: the booking's manage page. */
    private readonly manageLink: (bookingId: number) => string,
  ) {}

  private async lockBooking(tx: RequestContext, id: string): Promise<Booking> {
    const booking = await lockBookingWhere(tx, { id: parseId('id', id) });
    if (!booking) throw new NotFound('Booking', id);
    return booking;
  }

  /** Read, check and price outside any transaction; start the card payment; then write in one statement. */
  async book(ctx: RequestContext, input: BookInput): Promise<WrittenBooking> {
    const actor = requireActor(ctx);
    const slotIds = parseSlotIds(input.slotIds);
    const notes = optionalText('notes', input.notes, MAX_NOTE_LENGTH);
    const specialRequirements = optionalText('specialRequirements', input.specialRequirements, MAX_NOTE_LENGTH);
    const contact = parseContact(input.contact);
    const dietaryRestrictions = optionalText('dietaryRestrictions', input.dietaryRestrictions, MAX_NOTE_LENGTH);
    const accessibilityNeeds = optionalText('accessibilityNeeds', input.accessibilityNeeds, MAX_NOTE_LENGTH);
    const planned = await this.plan(ctx, actor.userId, slotIds, input.party, BookingMode.INSTANT);
    const plan = input.promoCode == null ? planned : await withPromoCode(ctx, input.promoCode, planned);
    const meetingProvider = meetingProviderOf(plan.service, input.meetingProvider);
    const answers = parseAnswers(plan.service.questions, input.answers);
    return this.place(ctx, {
      ...plan,
      notes,
      specialRequirements,
      contact,
      dietaryRestrictions,
      accessibilityNeeds,
      answers,
      meetingProvider,
    });
  }

  /**
   * The checks `book` (INSTANT) and `propose` (APPROVAL) share: the slots exist, belong to one active
   * service of that mode that is not the caller's own, are bookable now, and can seat the party now.
   * One query reads the slots with their service and provider.
   */
  async plan(
    ctx: RequestContext,
    customerId: number,
    slotIds: number[],
    partyInput: PartyInput,
    mode: BookingMode,
    /** Another adult price per slot than today's (a provider's counter-offer). */
    price: string | null = null,
  ): Promise<BookingPlan> {
    // A booking (INSTANT) takes its id with the read: no round trip of its own for it.
    const read = await bookingSlots(ctx, slotIds, mode === BookingMode.INSTANT);
    const service = bookableService(read.service, slotIds[0], customerId, mode);
    const party = parseParty(partyInput, service);
    const slots = checkSlots(slotIds, read.slots, service, ctx.clock.now());
    const offer = price === null ? undefined : offerNow(service, slots, party, () => price);
    return { ...this.planFor(ctx, service, customerId, slots, party, { offer }), bookingId: read.bookingId };
  }

  /**
   * The plan of a party on slots already checked as bookable, at the terms the customer agreed to (`offer`:
   * a proposal's, a counter-offer's, a waitlist entry's; by default the service's today). A slot already
   * full fails here, before anything is written.
   */
  planFor(
    ctx: RequestContext,
    service: BookableService,
    customerId: number,
    slots: BookableSlot[],
    party: PartySize,
    { seatsHeld = false, offer = offerNow(service, slots, party) }: { seatsHeld?: boolean; offer?: Offer } = {},
  ): BookingPlan {
    const terms = bookingTerms(slots, party, offer);
    if (new Decimal(terms.total).gt(MAX_AMOUNT))
      throw new BadInput(
        'party',
        `the total would exceed ${MAX_AMOUNT.toFixed(2)} ${terms.currency}: book fewer seats or slots`,
      );
    for (const slot of slots) {
      if (terms.seats > slot.capacity)
        throw new BadInput(
          'party',
          `a party of ${terms.seats} is larger than slot ${slot.id} (${slot.capacity} seats)`,
        );
    }
    if (!seatsHeld) assertRoom(slots, terms.seats);
    return { service, customerId, slots, terms, seatsHeld };
  }

  /**
   * Makes the booking of a plan: CONFIRMED with booked seats when free; PENDING_PAYMENT with held seats
   * when paid, its card payment started first, outside any transaction (startPayment). Alone (`book`) the
   * booking is written in one statement, and answered as written; `within` runs it in a use case's own
   * transaction instead (an accepted proposal, a claimed offer), given the placement to call where it
   * belongs, which answers the managed booking.
   */
  place(ctx: RequestContext, plan: BookingPlan): Promise<WrittenBooking>;
  place<T>(
    ctx: RequestContext,
    plan: BookingPlan,
    within: (tx: TxContext, place: (tx: TxContext) => Promise<Booking>) => Promise<T>,
  ): Promise<T>;
  async place<T>(
    ctx: RequestContext,
    plan: BookingPlan,
    within?: (tx: TxContext, place: (tx: TxContext) => Promise<Booking>) => Promise<T>,
  ): Promise<T | WrittenBooking> {
    const id = plan.bookingId ?? (await run(ctx.em, nextBookingIds(1)))[0].id;
    const reference = newReference(ctx.clock.now());
    const paid = isPaid(plan);
    const awaitsConfirmation = !paid && plan.confirmWithinMinutes !== undefined;
    if (paid || awaitsConfirmation) await assertMayHold(ctx, plan); // before Stripe is asked for anything
    const make = async () => {
      const payment = paid ? await this.startPayment(ctx, id, reference, plan) : NO_PAYMENT;
      const holdMinutes = awaitsConfirmation ? plan.confirmWithinMinutes! : this.payments.holdMinutes;
      const placement = { id, reference, plan, ...payment, awaitsConfirmation, holdMinutes };
      const write = (tx: TxContext) => placeBooking(tx, this.lifecycle, placement);
      const place = async (tx: TxContext) => (await write(tx)).entity();
      return this.payments.withPayment<T | WrittenBooking>(payment, () =>
        within ? inTransaction(ctx, (tx) => within(tx, place)) : inOneStatement(ctx, write),
      );
    };
    // Alone, a booking passes the seat gate before its card payment starts: a full slot starts none.
    return within || plan.seatsHeld ? make() : this.seats.through(ctx, plan.slots, plan.terms.seats, make);
  }

  /**
   * Starts the card payment of the booking about to be made: a PaymentIntent, which the customer's app pays;
   * for a guest (no account, no app) a Stripe Checkout Session that comes back to the booking's manage page,
   * open for the hold (PaymentService.startCheckout).
   */
  private async startPayment(
    ctx: RequestContext,
    id: number,
    reference: string,
    plan: BookingPlan,
  ): Promise<StartedPayment> {
    const payer = await ctx.em.findOneOrFail(User, plan.customerId, { fields: ['guest', 'email'] });
    const { total, currency } = plan.terms;
    if (!payer.guest)
      return { intent: await this.payments.startIntent({ id, reference, total, currency }), checkout: null };
    const checkout = await this.payments.startCheckout({
      id,
      reference,
      total,
      currency,
      name: `${plan.service.name} (${reference})`,
      email: payer.email,
      returnUrl: this.manageLink(id),
      now: ctx.clock.now(),
    });
    return { intent: null, checkout };
  }

  /**
   * Moves a booking to other slots and/or another party: old seats freed and new ones taken together, or
   * nothing. Slots kept keep their agreed price. Only before the first slot starts.
   */
  async modify(ctx: RequestContext, id: string, input: ModifyBookingInput): Promise<Booking> {
    const newIds = input.slotIds ? parseSlotIds(input.slotIds) : null;
    const reason = optionalText('reason', input.reason, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertParticipant(tx, booking);
      const column = changeableColumn(booking, tx.clock.now());
      const service = await booking.service.loadOrFail();
      const before = snapshot(booking);
      const oldSeats = seatsOf(booking);
      const ids = newIds ?? [...oldSeats.keys()];
      const next = await changedTerms(tx, booking, service, input.party, ids, oldSeats);
      const difference = new Decimal(next.total).minus(booking.total);
      const settle = await this.settleDifference(tx, booking, difference);
      const freed = await moveSeats(tx, service.id, column, oldSeats, ids, next.seats);
      this.relink(tx, booking, next.seats, next.unitPrices);
      const { unitPrices: _prices, seats: _seats, agreed: _agreed, ...columns } = next;
      Object.assign(booking, columns);
      booking.inviteSequence += 1; // the invite is sent again with the new times
      await this.lifecycle.changed(tx, booking, 'booking.modified', before, reason, settle?.money);
      if (settle?.refund)
        await this.payments.refund(
          tx,
          booking,
          settle.payment,
          settle.refund,
          reason ?? 'the change lowered the price',
        );
      await this.lifecycle.seatsFreed(tx, freed);
      return booking;
    });
  }

  /** Makes the booking's slot links match the new slots, each with `seats` seats at its agreed unit price. */
  private relink(tx: TxContext, booking: Booking, seats: number, unitPrices: Map<number, string>): void {
    for (const entry of booking.slots.getItems()) if (!unitPrices.has(entry.slot.id)) booking.slots.remove(entry);
    const kept = new Map(booking.slots.getItems().map((entry) => [entry.slot.id, entry]));
    for (const [slotId, unitPrice] of unitPrices) {
      const entry = kept.get(slotId);
      if (entry) Object.assign(entry, { seats, unitPrice });
      else
        booking.slots.add(
          tx.em.create(BookingSlot, { booking, slot: tx.em.getReference(Slot, slotId), seats, unitPrice }),
        );
    }
  }

  /**
   * The money rules of a change to a card-paid booking: a higher total needs a new payment
   * (PAYMENT_REQUIRED); a lower one gives the difference back, except when the customer makes the change
   * inside the agreed cutoff: then only the policy's late share of it comes back, as of a late cancel.
   */
  private async settleDifference(
    tx: TxContext,
    booking: Booking,
    difference: Decimal,
  ): Promise<{ money: MoneyOutcome; payment: Payment; refund: Decimal } | undefined> {
    const payment = (await booking.payment?.loadOrFail()) ?? null;
    if (!payment || difference.isZero()) return undefined;
    if (difference.gt(0)) {
      const amount = formatAmount(difference, booking.currency);
      throw new DomainError(
        'PAYMENT_REQUIRED',
        `This change costs ${amount} ${booking.currency} more: cancel and book the new slots instead`,
        { amount },
      );
    }
    if (payment.status !== PaymentStatus.SUCCEEDED) {
      throw new DomainError(
        'PAYMENT_REQUIRED',
        'The payment of this booking is in progress for its current price: change it once it is paid, or cancel and book again',
      );
    }
    const byCustomer = booking.customer.id === tx.actor?.userId;
    const { money, refund } = this.moneyBack(tx, booking, payment, difference.neg(), byCustomer);
    return { money, payment, refund };
  }

  /** What giving back `due` of a card payment comes to: all of it, or, for the customer, the agreed policy's share. */
  private moneyBack(
    tx: TxContext,
    booking: Booking,
    payment: Payment,
    due: Decimal,
    byCustomer: boolean,
  ): { money: MoneyOutcome; refund: Decimal } {
    const { amount, late } = byCustomer
      ? dueBack(booking.terms, booking.startsAt, tx.clock.now(), due)
      : { amount: due, late: false };
    const shown = formatAmount(amount, booking.currency);
    return {
      refund: amount,
      money: late
        ? { kind: 'late', amount: shown, cutoffHours: booking.terms.cutoffHours, byCard: true }
        : { kind: 'refund', amount: shown, full: amount.gte(payment.amount), byCard: true },
    };
  }

  /**
   * Frees the seats. A card payment in progress is stopped; one made is refunded in full when the provider
   * cancels or the customer cancels at least the agreed cutoff before the start (later: the policy's late
   * share). A customer cannot cancel once the first slot started, nobody once the booking ended.
   */
  async cancel(ctx: RequestContext, id: string, reasonInput?: string | null): Promise<Booking> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await this.cancelByActor(tx, booking, reason);
      return booking;
    });
  }

  /**
   * Cancels a booking the caller locked, as the actor may: its customer, its provider or an admin; a
   * customer not once it started, nobody once it ended.
   */
  async cancelByActor(tx: TxContext, booking: Booking, reason: string | null): Promise<void> {
    await assertParticipant(tx, booking);
    const byCustomer = booking.customer.id === tx.actor?.userId && tx.actor?.role !== Role.ADMIN;
    BOOKING_STATES.assertMove(booking.status, BookingStatus.CANCELLED, 'user');
    if (byCustomer && booking.startsAt <= tx.clock.now()) {
      throw new DomainError('INVALID_TRANSITION', 'This booking has started: only the provider can cancel it now', {
        rule: 'STARTED',
      });
    }
    if (booking.endsAt <= tx.clock.now()) {
      throw new DomainError(
        'INVALID_TRANSITION',
        'This booking has ended: mark it completed or a no-show instead (refundBooking gives money back)',
        { rule: 'ENDED' },
      );
    }
    await this.cancelLocked(tx, booking, reason, byCustomer);
  }

  /**
   * Cancels a booking the caller locked: its seats freed, its reason kept, a card payment in progress
   * stopped, one made refunded in full unless the customer (`byCustomer`) cancels inside the agreed cutoff.
   */
  async cancelLocked(tx: TxContext, booking: Booking, reason: string | null, byCustomer: boolean): Promise<void> {
    booking.cancellationReason = reason;
    const payment = (await booking.payment?.loadOrFail()) ?? null;
    if (!payment) {
      const money: MoneyOutcome | undefined = new Decimal(booking.total).isZero() ? undefined : { kind: 'offline' };
      await this.lifecycle.move(tx, booking, BookingStatus.CANCELLED, 'user', reason, { money });
      return;
    }
    if (payment.status !== PaymentStatus.SUCCEEDED) {
      await this.lifecycle.move(tx, booking, BookingStatus.CANCELLED, 'user', reason, { money: { kind: 'stopped' } });
      this.payments.stop(tx, payment, PaymentStatus.CANCELED, 'user');
      return;
    }
    const left = await this.payments.refundable(booking, payment);
    const { money, refund } = this.moneyBack(tx, booking, payment, left, byCustomer);
    await this.lifecycle.move(tx, booking, BookingStatus.CANCELLED, 'user', reason, { money });
    await this.payments.refund(
      tx,
      booking,
      payment,
      refund,
      money.kind === 'late' ? "cancelled inside the cutoff: the policy's share" : 'cancelled: refunded in full',
    );
  }

  /** The provider marks a started booking COMPLETED, or NO_SHOW. */
  async complete(ctx: RequestContext, id: string, noShow: boolean): Promise<Booking> {
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertProviderOf(tx, booking);
      const target = noShow ? BookingStatus.NO_SHOW : BookingStatus.COMPLETED;
      BOOKING_STATES.assertMove(booking.status, target, 'user');
      if (booking.startsAt > tx.clock.now())
        throw new DomainError('INVALID_TRANSITION', 'A booking can be completed only after it starts', {
          rule: 'NOT_STARTED',
        });
      await this.lifecycle.move(tx, booking, target, 'user');
      return booking;
    });
  }

  /**
   * Gives money back, as the provider decides (a goodwill refund): all that is left unless an amount is
   * given; partial refunds add up until what was paid is used up. A CONFIRMED, COMPLETED or NO_SHOW booking
   * stays as it is (a CONFIRMED one can be refunded only in part: giving everything back is cancelling it).
   * A card payment is refunded through Stripe; otherwise the refund is recorded (cash, transfer).
   */
  async refund(ctx: RequestContext, id: string, amountInput?: string | null): Promise<Booking> {
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertProviderOf(tx, booking);
      if (!REFUNDABLE.has(booking.status))
        throw new DomainError('INVALID_TRANSITION', `A ${booking.status} booking cannot be refunded`, {
          from: booking.status,
        });
      const payment = (await booking.payment?.loadOrFail()) ?? null;
      const left = await this.payments.refundable(booking, payment);
      const amount = amountInput == null ? left : new Decimal(parseAmount('amount', amountInput, booking.currency));
      if (amount.lte(0))
        throw new BadInput('amount', left.isZero() ? 'nothing is left to refund' : 'must be more than zero');
      if (amount.gt(left))
        throw new BadInput('amount', `must not exceed what is left to refund, ${formatAmount(left, booking.currency)}`);
      if (booking.status === BookingStatus.CONFIRMED && amount.gte(left))
        throw new BadInput(
          'amount',
          `a confirmed booking can be refunded in part only (less than ${formatAmount(left, booking.currency)}): to give everything back, cancel it`,
        );
      await this.payments.refund(tx, booking, payment, amount, 'a refund by the provider');
      return booking;
    });
  }
}
