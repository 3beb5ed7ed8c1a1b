import type { Service } from '../catalog/service.entity';
import { BadInput, NotFound } from '../core/errors';
import { capacityExceeded, PROVIDER_BUSY, slotUnavailable } from '../core/refusals';
import { parseId } from '../core/ids';
import type { Slot } from '../scheduling/slot.entity';
import { SlotStatus } from '../scheduling/scheduling.enums';
import type { PartyInput } from './booking.inputs';
import type { PartySize } from './pricing';

export const MAX_SLOTS_PER_BOOKING = 100;
export const MAX_NOTE_LENGTH = 2_000;

/** Distinct, well-formed slot ids, at most MAX_SLOTS_PER_BOOKING. */
export function parseSlotIds(ids: readonly string[]): number[] {
  if (ids.length === 0) throw new BadInput('slotIds', 'name at least one slot');
  if (ids.length > MAX_SLOTS_PER_BOOKING)
    throw new BadInput('slotIds', `at most ${MAX_SLOTS_PER_BOOKING} slots per booking`);
  const parsed = ids.map((id) => parseId('slotIds', id));
  if (new Set(parsed).size !== parsed.length) throw new BadInput('slotIds', 'a slot is named twice');
  return parsed;
}

/** Adults >= 1; every person takes a seat; the party fits the service's limits. */
export function parseParty(input: PartyInput, service: Service): PartySize {
  const party = { adults: input.adults, children: input.children ?? 0, infants: input.infants ?? 0 };
  if (!Number.isInteger(party.adults) || party.adults < 1) throw new BadInput('party.adults', 'at least one adult');
  for (const key of ['children', 'infants'] as const) {
    if (!Number.isInteger(party[key]) || party[key] < 0) throw new BadInput(`party.${key}`, 'must not be negative');
  }
  const size = party.adults + party.children + party.infants;
  if (size < service.minPartySize || size > service.maxPartySize) {
    throw new BadInput(
      'party',
      `a party of ${size} is outside ${service.minPartySize} to ${service.maxPartySize} people`,
    );
  }
  return party;
}

export function partySize(party: PartySize): number {
  return party.adults + party.children + party.infants;
}

const unavailable = (slot: Slot, why: string) => slotUnavailable(slot.id, why);

/**
 * The named slots, all of `service`, each open, outside blackouts and the provider's taken time, at least
 * cutoffHours and at most advanceDays ahead. A booking being moved holds some of that time itself: for it
 * (`moving`) the database alone judges the provider's time.
 */
export function checkSlots(ids: number[], found: Slot[], service: Service, now: Date, moving = false): Slot[] {
  const byId = new Map(found.map((slot) => [slot.id, slot]));
  const slots = ids.map((id) => {
    const slot = byId.get(id);
    if (!slot) throw new NotFound('Slot', id);
    return slot;
  });
  const earliest = now.getTime() + service.cutoffHours * 3_600_000;
  const latest = now.getTime() + service.advanceDays * 86_400_000;
  for (const slot of slots) {
    if (slot.service.id !== service.id) throw new BadInput('slotIds', 'all slots must belong to one service');
    if (slot.status !== SlotStatus.OPEN) throw unavailable(slot, `is ${slot.status.toLowerCase()}`);
    if (slot.blackedOut) throw unavailable(slot, 'falls on a blackout');
    if (slot.calendarBusy) throw unavailable(slot, "overlaps a busy time in the provider's calendar");
    // A slot its own bookings fill is full (CAPACITY_EXCEEDED, the waitlist's case), not the provider's time taken elsewhere.
    if (slot.providerBusy && !moving && slot.booked + slot.held < slot.capacity)
      throw slotUnavailable(slot.id, 'is taken: the provider is booked at that time (buffers included)', PROVIDER_BUSY);
    if (slot.startsAt.getTime() < earliest)
      throw unavailable(slot, `starts within ${service.cutoffHours} hours or has started`);
    if (slot.startsAt.getTime() > latest) throw unavailable(slot, `starts more than ${service.advanceDays} days ahead`);
  }
  return slots;
}

/** A slot already full fails at once, without queueing for its row lock; the conditional update decides the rest. */
export function assertRoom(slots: Slot[], seats: number): void {
  const full = slots.find((slot) => slot.capacity - slot.booked - slot.held < seats);
  if (full) throw capacityExceeded(full.id);
}
