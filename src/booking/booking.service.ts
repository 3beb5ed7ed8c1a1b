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
import type { NotificationService } from '../notifications/notification.service';
import { recordChange, snapshot } from './audit';
import { assertParticipant, assertProviderOf } from './booking-access';
import { MAX_NOTE_LENGTH, capacityExceeded, checkSlots, parseParty, parseSlotIds, partySize } from './booking-rules';
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

/** Book, modify, cancel, complete and refund: each one transaction that moves seats and writes its audit entry. */
export class BookingService {
  constructor(private readonly notifications: NotificationService) {}

  /** What every change leaves behind, in its transaction: the audit entry, the live notice, the emails. */
  private async changed(tx: RequestContext, booking: Booking, action: string, before: object | null, reason?: string | null): Promise<void> {
    await recordChange(tx, booking, action, before, reason);
    await this.notifications.bookingChanged(tx, booking, action);
  }

  /** The booking, locked for the rest of the transaction so that changes to it happen one at a time. */
  private async lockBooking(tx: RequestContext, id: string): Promise<Booking> {
    const booking = await tx.em.findOne(Booking, parseId('id', id), { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!booking) throw new NotFound('Booking', id);
    await booking.slots.init({ populate: ['slot'] });
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
      const found = await this.loadSlots(tx, slotIds);
      if (found.length === 0) throw new NotFound('Slot', slotIds[0]);
      const service = await found[0].service.loadOrFail();
      const provider = await service.provider.loadOrFail();
      if (provider.user.id === actor.userId) throw new DomainError('OWN_SERVICE', 'You cannot book your own service');
      if (service.bookingMode === BookingMode.APPROVAL) throw new DomainError('APPROVAL_REQUIRED', 'This service takes proposals: use propose');
      if (!service.active) throw new DomainError('SLOT_UNAVAILABLE', 'This service is not bookable now', { slotId: String(slotIds[0]) });
      const party = parseParty(input.party, service);
      const seats = partySize(party);
      const slots = checkSlots(slotIds, found, service, seats, tx.clock.now());
      if (service.requiresPayment) {
        throw new DomainError('PAYMENTS_NOT_CONFIGURED', 'This service takes card payments, which this server is not set up for');
      }
      // A slot already full fails at once, without queueing for its row lock; the conditional update decides the rest.
      const full = slots.find((slot) => slot.capacity - slot.booked - slot.held < seats);
      if (full) throw capacityExceeded(full.id);
      const reference = newReference(tx.clock.now());
      const booking = tx.em.create(Booking, {
        reference,
        service,
        customer: tx.em.getReference(User, actor.userId),
        status: BookingStatus.CONFIRMED,
        notes,
        specialRequirements,
        meetingUrl: service.meetingProvider === MeetingProvider.JITSI ? `https://meet.jit.si/${reference}` : null,
        ...terms(service, slots, party),
      });
      linkSlots(tx, booking, service, slots, seats);
      // Rows are written first and the seats taken last, so that each slot stays locked only until commit.
      await tx.em.flush();
      await changeSeats(tx.em, 'booked', new Map(slots.map((slot) => [slot.id, seats])), tx.clock.now());
      await this.changed(tx, booking, 'booking.created', null);
      return booking;
    });
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

      const deltas = new Map<number, number>();
      for (const [slotId, count] of oldSeats) deltas.set(slotId, -count);
      for (const slotId of ids) deltas.set(slotId, (deltas.get(slotId) ?? 0) + seats);
      await changeSeats(tx.em, column, deltas, tx.clock.now());
      linkSlots(tx, booking, service, slots, seats);
      Object.assign(booking, terms(service, slots, party));
      await this.changed(tx, booking, 'booking.modified', before, reason);
      return booking;
    });
  }

  async cancel(ctx: RequestContext, id: string, reasonInput?: string | null): Promise<Booking> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertParticipant(tx, booking);
      const column = seatColumn(booking.status);
      assertMove(booking.status, BookingStatus.CANCELLED);
      const before = snapshot(booking);
      await changeSeats(tx.em, column!, new Map(booking.slots.getItems().map((entry) => [entry.slot.id, -entry.seats])), tx.clock.now());
      booking.status = BookingStatus.CANCELLED;
      await this.changed(tx, booking, 'booking.cancelled', before, reason);
      return booking;
    });
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
      await this.changed(tx, booking, noShow ? 'booking.no_show' : 'booking.completed', before);
      return booking;
    });
  }

  /** Records money given back outside card payments (cash, transfer): the whole total unless an amount is given. */
  async refund(ctx: RequestContext, id: string, amountInput?: string | null): Promise<Booking> {
    return inTransaction(ctx, async (tx) => {
      const booking = await this.lockBooking(tx, id);
      await assertProviderOf(tx, booking);
      assertMove(booking.status, BookingStatus.REFUNDED);
      const amount = amountInput == null ? formatAmount(booking.total, booking.currency) : parseAmount('amount', amountInput, booking.currency);
      if (new Decimal(amount).gt(booking.total)) throw new BadInput('amount', `must not exceed the total ${formatAmount(booking.total, booking.currency)}`);
      const before = snapshot(booking);
      booking.status = BookingStatus.REFUNDED;
      booking.refundedAmount = amount;
      await this.changed(tx, booking, 'booking.refunded', before);
      return booking;
    });
  }
}
