import { BadInput, NotFound } from '../core/errors';
import { capacityExceeded, PROVIDER_BUSY, slotUnavailable } from '../core/refusals';
import { parseId } from '../core/ids';
import type { BookableService, BookableSlot } from './bookable';
import { SlotStatus, UnavailableReason } from '../scheduling/scheduling.enums';
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

/** A well-formed party: adults >= 1, no negative count; each person takes a seat. */
export function partyOf(input: PartyInput): PartySize {
  const party = { adults: input.adults, children: input.children ?? 0, infants: input.infants ?? 0 };
  if (!Number.isInteger(party.adults) || party.adults < 1) throw new BadInput('party.adults', 'at least one adult');
  for (const key of ['children', 'infants'] as const) {
    if (!Number.isInteger(party[key]) || party[key] < 0) throw new BadInput(`party.${key}`, 'must not be negative');
  }
  return party;
}

/** Why a party of `size` is outside the service's limits, or null when it fits them. */
export function partyLimit(size: number, service: BookableService): UnavailableReason | null {
  if (size < service.minPartySize) return UnavailableReason.PARTY_TOO_SMALL;
  if (size > service.maxPartySize) return UnavailableReason.PARTY_TOO_LARGE;
  return null;
}

/** Adults >= 1; every person takes a seat; the party fits the service's limits. */
export function parseParty(input: PartyInput, service: BookableService): PartySize {
  const party = partyOf(input);
  const size = partySize(party);
  if (partyLimit(size, service)) {
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

/** Why a slot cannot be booked now, whoever asks: what a person is told, and the extension `reason` when it has one. */
export interface SlotClosure {
  reason: UnavailableReason;
  why: string;
  extension?: string;
}

/**
 * Why a slot of `service` cannot be booked at `now` whatever the party (not open, a blackout, the provider's
 * time, the cutoff or the advance window), or null. A booking being moved holds some of that time itself:
 * for it (`moving`) the database alone judges the provider's time.
 */
export function slotClosure(
  slot: BookableSlot,
  service: BookableService,
  now: Date,
  moving = false,
): SlotClosure | null {
  if (slot.status !== SlotStatus.OPEN)
    return { reason: UnavailableReason.CLOSED, why: `is ${slot.status.toLowerCase()}` };
  if (slot.blackedOut) return { reason: UnavailableReason.BLACKED_OUT, why: 'falls on a blackout' };
  if (slot.calendarBusy)
    return { reason: UnavailableReason.PROVIDER_BUSY, why: "overlaps a busy time in the provider's calendar" };
  // A slot its own bookings fill is full (CAPACITY_EXCEEDED, the waitlist's case), not the provider's time taken elsewhere.
  if (slot.providerBusy && !moving && slot.booked + slot.held < slot.capacity)
    return {
      reason: UnavailableReason.PROVIDER_BUSY,
      why: 'is taken: the provider is booked at that time (buffers included)',
      extension: PROVIDER_BUSY,
    };
  if (slot.startsAt.getTime() < now.getTime() + service.cutoffHours * 3_600_000)
    return {
      reason: UnavailableReason.CUTOFF_PASSED,
      why: `starts within ${service.cutoffHours} hours or has started`,
    };
  if (slot.startsAt.getTime() > now.getTime() + service.advanceDays * 86_400_000)
    return { reason: UnavailableReason.NOT_YET_BOOKABLE, why: `starts more than ${service.advanceDays} days ahead` };
  return null;
}

/**
 * The named slots, all of `service`, each bookable now (slotClosure), else SLOT_UNAVAILABLE naming the
 * first that is not.
 */
export function checkSlots<S extends BookableSlot>(
  ids: number[],
  found: S[],
  service: BookableService,
  now: Date,
  moving = false,
): S[] {
  const byId = new Map(found.map((slot) => [slot.id, slot]));
  const slots = ids.map((id) => {
    const slot = byId.get(id);
    if (!slot) throw new NotFound('Slot', id);
    return slot;
  });
  for (const slot of slots) {
    if (slot.service.id !== service.id) throw new BadInput('slotIds', 'all slots must belong to one service');
    const closure = slotClosure(slot, service, now, moving);
    if (closure) throw slotUnavailable(slot.id, closure.why, closure.extension);
  }
  return slots;
}

/** A slot already full fails at once, without queueing for its row lock; the conditional update decides the rest. */
export function assertRoom(slots: BookableSlot[], seats: number): void {
  const full = slots.find((slot) => slot.capacity - slot.booked - slot.held < seats);
  if (full) throw capacityExceeded(full.id);
}
