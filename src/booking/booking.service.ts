import { LockMode } from '@mikro-orm/core';
import Decimal from 'decimal.js';
import { requireActor } from '../accounts/ownership';
import { User } from '../accounts/user.entity';
import type { Service } from '../catalog/service.entity';
import { BookingMode, MeetingProvider } from '../catalog/service.enums';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput, DomainError, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { formatAmount, parseAmount } from '../core/money';
import { optionalText } from '../core/validate';
import { Slot } from '../scheduling/slot.entity';
import type { Payment } from '../payments/payment.entity';
import { PaymentStatus } from '../payments/payment.enums';
import type { PaymentService } from '../payments/payment.service';
import { snapshot } from './audit';
import type { BookingChanges } from './booking-changes';
import { assertParticipant, assertProviderOf } from './booking-access';
import { MAX_NOTE_LENGTH, assertRoom, checkSlots, parseParty, parseSlotIds, partySize } from './booking-rules';
import { Booking, BookingSlot } from './booking.entity';
import { BookingStatus } from './booking.enums';
import type { BookInput, ModifyBookingInput } from './booking.inputs';
import { assertMove, seatColumn } from './booking.state';
import { priceBooking, type PartySize } from './pricing';
import { newReference } from './reference';
import { changeSeats } from './seat-ledger';

function slotPrice(slot: Slot, service: Service): string {
  return slot.priceAmount ?? service.priceAmount;
}

function rates(service: Service) {
  return { childRate: service.childRateValue, infantRate: service.infantRateValue, taxRate: service.taxRateValue, currency: service.currency };
}

/** What a booking's slots and party decide: the party, the time span and the price. */
function terms(service: Service, slots: Slot[], party: PartySize) {
  return {
    ...party,
    startsAt: new Date(Math.min(...slots.map((slot) => slot.startsAt.getTime()))),
    endsAt: new Date(Math.max(...slots.map((slot) => slot.endsAt.getTime()))),
    ...priceBooking(slots.map((slot) => slotPrice(slot, service)), party, rates(service)),
    currency: service.currency,
  };
}

/** Makes the booking's slot links match `slots`, each with `seats` seats at the slot's current price. */
function linkSlots(tx: RequestContext, booking: Booking, service: Service, slots: Slot[], seats: number): void {
  const wanted = new Set(slots.map((slot) => slot.id));
  for (const entry of booking.slots.getItems()) {
    if (!wanted.has(entry.slot.id)) booking.slots.remove(entry);
  }
  const kept = new Map(booking.slots.getItems().map((entry) => [entry.slot.id, entry]));
  for (const slot of slots) {
    const entry = kept.get(slot.id);
    if (entry) Object.assign(entry, { seats, unitPrice: slotPrice(slot, service) });
    else booking.slots.add(tx.em.create(BookingSlot, { booking, slot, seats, unitPrice: slotPrice(slot, service) }));
  }
}

/** The booking with its slots, locked for the rest of the transaction so that changes to it happen one at a time. */
export async function lockBooking(tx: RequestContext, where: { id: number } | { payment: Payment }): Promise<Booking | null> {
  const booking = await tx.em.findOne(Booking, where, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (booking) await booking.slots.init({ populate: ['slot'] });
  return booking;
}

/** What a new booking is made of, whether it comes from `book`, an accepted proposal or a waitlist offer. */
export interface NewBooking {
  service: Service;
  customerId: number;
  slots: Slot[];
  party: PartySize;
  notes?: string | null;
  specialRequirements?: string | null;
  /** The seats are already held for this customer (a waitlist offer); otherwise they are taken now. */
  seatsHeld?: boolean;
}

/** Book, modify, cancel, complete and refund: each one transaction that moves seats and writes its audit entry. */
export class BookingService {
  constructor(
    private readonly changes: BookingChanges,
    private readonly payments: PaymentService,
  ) {}

  private async lockBooking(tx: RequestContext, id: string): Promise<Booking> {
    const booking = await lockBooking(tx, { id: parseId('id', id) });
    if (!booking) throw new NotFound('Booking', id);
    return booking;
  }

  private async loadSlots(tx: RequestContext, ids: number[]): Promise<Slot[]> {
    return tx.em.find(Slot, { id: { $in: ids } });
  }

  async book(ctx: RequestContext, input: BookInput): Promise<Booking> {
    const actor = requireActor(ctx);
    const slotIds = parseSlotIds(input.slotIds);
    const notes = optionalText('notes', input.notes, MAX_NOTE_LENGTH);
    const specialRequirements = optionalText('specialRequirements', input.specialRequirements, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const { service, slots, party } = await this.checkRequest(tx, actor.userId, slotIds, input.party, BookingMode.INSTANT);
      return this.open(tx, { service, customerId: actor.userId, slots, party, notes, specialRequirements });
    });
  }

  /**
   * The checks `book` (INSTANT) and `propose` (APPROVAL) share: the slots exist, belong to one active
   * service of that mode that is not the caller's own, are bookable now, and can seat the party now.
   */
  async checkRequest(
    tx: RequestContext,
    customerId: number,
    slotIds: number[],
    partyInput: BookInput['party'],
    mode: BookingMode,
  ): Promise<{ service: Service; slots: Slot[]; party: PartySize }> {
    const found = await this.loadSlots(tx, slotIds);
    if (found.length === 0) throw new NotFound('Slot', slotIds[0]);
    const service = await found[0].service.loadOrFail();
    const provider = await service.provider.loadOrFail();
    if (provider.user.id === customerId) throw new DomainError('OWN_SERVICE', 'You cannot book your own service');
    if (service.bookingMode !== mode) {
      if (mode === BookingMode.INSTANT) throw new DomainError('APPROVAL_REQUIRED', 'This service takes proposals: use propose');
      throw new BadInput('slotIds', 'this service books instantly: use book');
    }
    if (!service.active) throw new DomainError('SLOT_UNAVAILABLE', 'This service is not bookable now', { slotId: String(slotIds[0]) });
    const party = parseParty(partyInput, service);
    const slots = checkSlots(slotIds, found, service, partySize(party), tx.clock.now());
    assertRoom(slots, partySize(party));
    return { service, slots, party };
  }

  /**
   * Makes a booking: CONFIRMED with booked seats when free, PENDING_PAYMENT with held seats and a Stripe
   * PaymentIntent when paid. Rows are written first and the seats taken last, so that each slot stays
   * locked only until commit; the PaymentIntent is created before the seats, so no slot waits on Stripe.
   */
  async open(tx: RequestContext, request: NewBooking): Promise<Booking> {
    const { service, slots, party } = request;
    const seats = partySize(party);
    const reference = newReference(tx.clock.now());
    const priced = terms(service, slots, party);
    const paid = service.requiresPayment && new Decimal(priced.total).gt(0);
    if (paid) this.payments.assertConfigured();
    const booking = tx.em.create(Booking, {
      reference,
      service,
      customer: tx.em.getReference(User, request.customerId),
      status: paid ? BookingStatus.PENDING_PAYMENT : BookingStatus.CONFIRMED,
      notes: request.notes,
      specialRequirements: request.specialRequirements,
      meetingUrl: service.meetingProvider === MeetingProvider.JITSI ? `https://meet.jit.si/${reference}` : null,
      ...priced,
    });
    linkSlots(tx, booking, service, slots, seats);
    await tx.em.flush();
    const payment = paid ? await this.payments.open(tx, booking) : null;
    try {
      const wanted = new Map(slots.map((slot) => [slot.id, seats]));
      if (!request.seatsHeld) await changeSeats(tx.em, paid ? 'held' : 'booked', wanted, tx.clock.now());
      else if (!paid) {
        await changeSeats(tx.em, 'held', new Map(slots.map((slot) => [slot.id, -seats])), tx.clock.now());
        await changeSeats(tx.em, 'booked', wanted, tx.clock.now());
      }
      await this.changes.record(tx, booking, 'booking.created', null);
    } catch (error) {
      if (payment) this.payments.abandon(payment.intentId);
      throw error;
    }
    return booking;
  }

  /** Moves a booking to other slots and/or another party: old seats freed and new ones taken together, or nothing. */
  async modify(ctx: RequestContext, id: string, input: ModifyBookingInput): Promise<Booking> {
    const newIds = input.slotIds ? parseSlotIds(input.slotIds) : null;
    const reason = optionalText('reason', input.reason, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertParticipant(tx, booking);
      const column = seatColumn(booking.status);
      if (!column) throw new DomainError('INVALID_TRANSITION', `A ${booking.status} booking cannot be changed`);
      const service = await booking.service.loadOrFail();
      const before = snapshot(booking);
      const oldSeats = new Map(booking.slots.getItems().map((entry) => [entry.slot.id, entry.seats]));
      const party = input.party ? parseParty(input.party, service) : { adults: booking.adults, children: booking.children, infants: booking.infants };
      const seats = partySize(party);
      const ids = newIds ?? [...oldSeats.keys()];
      const found = await this.loadSlots(tx, ids);
      const added = ids.filter((slotId) => !oldSeats.has(slotId));
      checkSlots(added, found, service, seats, tx.clock.now());
      const slots = ids.map((slotId) => found.find((slot) => slot.id === slotId)!);
      const tooSmall = slots.find((slot) => seats > slot.capacity);
      if (tooSmall) throw new BadInput('party', `a party of ${seats} is larger than slot ${tooSmall.id}`);
      const next = terms(service, slots, party);
      const difference = new Decimal(next.total).minus(booking.total);
      if (booking.payment && !difference.isZero()) await this.settleDifference(tx, booking, difference);

      const deltas = new Map<number, number>();
      for (const [slotId, count] of oldSeats) deltas.set(slotId, -count);
      for (const slotId of ids) deltas.set(slotId, (deltas.get(slotId) ?? 0) + seats);
      await changeSeats(tx.em, column, deltas, tx.clock.now());
      linkSlots(tx, booking, service, slots, seats);
      Object.assign(booking, next);
      await this.changes.offerFreed(tx, [...deltas].filter(([, delta]) => delta < 0).map(([slotId]) => slotId));
      await this.changes.record(tx, booking, 'booking.modified', before, reason);
      return booking;
    });
  }

  /**
   * The price rules of a change to a card-paid booking: a lower total gives the difference back; a higher
   * one needs a new payment (PAYMENT_REQUIRED). A payment still in progress keeps its amount.
   */
  private async settleDifference(tx: RequestContext, booking: Booking, difference: Decimal): Promise<void> {
    const payment = await booking.payment!.loadOrFail();
    if (difference.gt(0)) {
      throw new DomainError('PAYMENT_REQUIRED', `This change costs ${formatAmount(difference, booking.currency)} ${booking.currency} more: cancel and book the new slots instead`, {
        amount: formatAmount(difference, booking.currency),
      });
    }
    if (payment.status !== PaymentStatus.SUCCEEDED) {
      throw new DomainError('PAYMENT_REQUIRED', 'The payment of this booking is in progress for its current price: change it once it is paid, or cancel and book again');
    }
    await this.payments.refund(tx, booking, payment, difference.neg());
  }

  /**
   * Frees the seats. A card payment in progress is stopped; one made is refunded in full when the provider
   * cancels or the customer cancels at least cutoffHours before the start (the booking then ends REFUNDED).
   */
  async cancel(ctx: RequestContext, id: string, reasonInput?: string | null): Promise<Booking> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertParticipant(tx, booking);
      assertMove(booking.status, BookingStatus.CANCELLED);
      const before = snapshot(booking);
      await this.changes.releaseSeats(tx, booking);
      booking.holdExpiresAt = null;
      booking.status = BookingStatus.CANCELLED;
      await this.changes.record(tx, booking, 'booking.cancelled', before, reason);
      const payment = await booking.payment?.loadOrFail();
      if (!payment) return booking;
      if (payment.status !== PaymentStatus.SUCCEEDED) {
        await this.payments.stop(tx, payment, PaymentStatus.CANCELED);
        return booking;
      }
      const service = await booking.service.loadOrFail();
      const byCustomer = booking.customer.id === tx.actor?.userId;
      const inTime = booking.startsAt.getTime() - tx.clock.now().getTime() >= service.cutoffHours * 3_600_000;
      if (!byCustomer || inTime) await this.refundWith(tx, booking, payment, this.payments.refundable(payment, booking), 'cancelled: refunded in full');
      return booking;
    });
  }

  private async refundWith(tx: RequestContext, booking: Booking, payment: Payment | null, amount: Decimal, reason: string | null): Promise<void> {
    const before = snapshot(booking);
    if (payment) await this.payments.refund(tx, booking, payment, amount);
    else booking.refundedAmount = new Decimal(booking.refundedAmount ?? 0).plus(amount).toFixed();
    booking.status = BookingStatus.REFUNDED;
    await this.changes.record(tx, booking, 'booking.refunded', before, reason);
  }

  /** The provider marks a started booking COMPLETED, or NO_SHOW. */
  async complete(ctx: RequestContext, id: string, noShow: boolean): Promise<Booking> {
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertProviderOf(tx, booking);
      const target = noShow ? BookingStatus.NO_SHOW : BookingStatus.COMPLETED;
      assertMove(booking.status, target);
      if (booking.startsAt > tx.clock.now()) throw new DomainError('INVALID_TRANSITION', 'A booking can be completed only after it starts');
      const before = snapshot(booking);
      booking.status = target;
      await this.changes.record(tx, booking, noShow ? 'booking.no_show' : 'booking.completed', before);
      return booking;
    });
  }

  /**
   * Gives money back on a cancelled or completed booking: all that is left unless an amount is given. A card
   * payment is refunded through Stripe; otherwise the refund is recorded (cash, transfer).
   */
  async refund(ctx: RequestContext, id: string, amountInput?: string | null): Promise<Booking> {
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertProviderOf(tx, booking);
      assertMove(booking.status, BookingStatus.REFUNDED);
      const payment = (await booking.payment?.loadOrFail()) ?? null;
      const charged = payment && payment.status !== PaymentStatus.SUCCEEDED ? new Decimal(0) : new Decimal(payment?.amount ?? booking.total);
      const left = Decimal.max(0, charged.minus(booking.refundedAmount ?? 0));
      const amount = amountInput == null ? left : new Decimal(parseAmount('amount', amountInput, booking.currency));
      if (amount.gt(left)) throw new BadInput('amount', `must not exceed what is left to refund, ${formatAmount(left, booking.currency)}`);
      await this.refundWith(tx, booking, payment, amount, null);
      return booking;
    });
  }
}
