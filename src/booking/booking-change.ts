import type { Service } from '../catalog/service.entity';
import type { TxContext } from '../core/context';
import { BadInput, DomainError } from '../core/errors';
import type { PartyInput } from './booking.inputs';
import { Slot } from '../scheduling/slot.entity';
import { bookingTerms, currentUnitPrice, type BookingTerms } from './booking-plan';
import { checkSlots, parseParty } from './booking-rules';
import type { Booking } from './booking.entity';
import { seatColumn, type SeatColumn } from './booking.state';
import { repriceLines } from './pricing';
import { changeSeats } from './seat-ledger';
import { currentTerms } from './terms';

/** The seat column of a booking that may still change (modify): a live one whose first slot has not started. */
export function changeableColumn(booking: Booking, now: Date): SeatColumn {
  const column = seatColumn(booking.status);
  if (!column) throw new DomainError('INVALID_TRANSITION', `A ${booking.status} booking cannot be changed`);
  if (booking.startsAt <= now)
    throw new DomainError('INVALID_TRANSITION', 'This booking has started: it can no longer be changed', {
      rule: 'STARTED',
    });
  return column;
}

/**
 * The booking's terms on the slots `ids` for the party given (or its own): slots it adds are checked as
 * `book` checks them, slots it keeps keep their agreed price, and every slot must seat the party.
 */
export async function changedTerms(
  tx: TxContext,
  booking: Booking,
  service: Service,
  partyInput: PartyInput | null | undefined,
  ids: number[],
  oldSeats: Map<number, number>,
): Promise<BookingTerms> {
  const party = partyInput
    ? parseParty(partyInput, service)
    : { adults: booking.adults, children: booking.children, infants: booking.infants };
  const found = await tx.em.find(Slot, { id: { $in: ids } });
  checkSlots(
    ids.filter((slotId) => !oldSeats.has(slotId)),
    found,
    service,
    tx.clock.now(),
    true,
  );
  const slots = ids.map((slotId) => found.find((slot) => slot.id === slotId)!);
  const priced = slots.map((slot) => ({ id: slot.id, price: currentUnitPrice(slot, service) }));
  const lines = repriceLines(booking.lines, priced, party, currentTerms(service));
  const next = bookingTerms(slots, party, { terms: booking.terms, lines });
  const tooSmall = slots.find((slot) => next.seats > slot.capacity);
  if (tooSmall) throw new BadInput('party', `a party of ${next.seats} is larger than slot ${tooSmall.id}`);
  return next;
}

/**
 * Frees the booking's old seats and takes `seats` on each of the slots `ids`, in its seat column, in one
 * change of the counters: the ids of the slots left with fewer of its seats.
 */
export async function moveSeats(
  tx: TxContext,
  serviceId: number,
  column: SeatColumn,
  oldSeats: Map<number, number>,
  ids: number[],
  seats: number,
): Promise<number[]> {
  const deltas = new Map<number, number>();
  for (const [slotId, count] of oldSeats) deltas.set(slotId, -count);
  for (const slotId of ids) deltas.set(slotId, (deltas.get(slotId) ?? 0) + seats);
  await changeSeats(
    tx,
    serviceId,
    new Map(
      [...deltas].map(([slotId, delta]) => [
        slotId,
        { held: column === 'held' ? delta : 0, booked: column === 'booked' ? delta : 0 },
      ]),
    ),
  );
  return [...deltas].filter(([, delta]) => delta < 0).map(([slotId]) => slotId);
}
