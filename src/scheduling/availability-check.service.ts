import { DateTime } from 'luxon';
import type { PartyInput } from '../booking/booking.inputs';
import { parseParty, partyLimit, partyOf, partySize, slotClosure } from '../booking/booking-rules';
import type { PartySize } from '../booking/pricing';
import type { CatalogService } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { BadInput, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import { requestLoader } from '../core/request-loaders';
import { run } from '../core/sql';
import { intInRange } from '../core/validate';
import { daysBetween, localDate, parseZone } from '../core/zoned-time';
import {
  MAX_CHECK_DAYS,
  type AvailabilityCheck,
  type AvailabilityCheckDay,
  type AvailabilityCheckInput,
  type SlotCheck,
} from './availability-check.types';
import { blackoutPeriods, covered, type Period } from './blackout-periods';
import { blackoutsOf } from './schedule-slots';
import { UnavailableReason } from './scheduling.enums';
import { byStart, Slot } from './slot.entity';
import { nearestSlots } from './slot.sql';

export const MAX_ALTERNATIVES = 10;

/** A day's reason when none of its slots fits: the one nearest to fitting comes first. */
const NEAREST_FIRST: UnavailableReason[] = [
  UnavailableReason.FULL,
  UnavailableReason.PROVIDER_BUSY,
  UnavailableReason.BLACKED_OUT,
  UnavailableReason.CLOSED,
  UnavailableReason.NOT_YET_BOOKABLE,
  UnavailableReason.CUTOFF_PASSED,
  UnavailableReason.PARTY_TOO_LARGE,
  UnavailableReason.PARTY_TOO_SMALL,
];

/** Why `seats` people cannot book the slot now, or null when they can (the rules `book` applies, in its order). */
function verdict(slot: Slot, service: Service, seats: number, now: Date): UnavailableReason | null {
  const limit = partyLimit(seats, service);
  if (limit) return limit;
  if (seats > slot.capacity) return UnavailableReason.PARTY_TOO_LARGE;
  const closure = slotClosure(slot, service, now);
  if (closure) return closure.reason;
  return slot.capacity - slot.booked - slot.held < seats ? UnavailableReason.FULL : null;
}

/** How many days after its `from` a check's `to` is: refused before `from` or beyond MAX_CHECK_DAYS. */
function checkDays(input: AvailabilityCheckInput): number {
  const days = daysBetween(input.from, input.to);
  if (days < 0) throw new BadInput('to', 'must not be before from');
  if (days >= MAX_CHECK_DAYS) throw new BadInput('to', `must be at most ${MAX_CHECK_DAYS - 1} days after from`);
  return days;
}

const dayStart = (date: DateTime): Date => date.startOf('day').toJSDate();
const dayEnd = (date: DateTime): Date => date.plus({ days: 1 }).startOf('day').toJSDate();

/** The service's slots starting in [start, end), in order: refused when there are more than one list holds. */
async function slotsBetween(ctx: RequestContext, service: Service, start: Date, end: Date): Promise<Slot[]> {
  const slots = await ctx.em.find(
    Slot,
    { service: service.id, startsAt: { $gte: start, $lt: end } },
    { orderBy: { startsAt: 'asc' }, limit: MAX_ROWS.slots + 1 },
  );
  if (slots.length > MAX_ROWS.slots)
    throw new BadInput('to', `the range holds more than ${MAX_ROWS.slots} slots: check fewer days`);
  return slots.sort(byStart);
}

/** The instants the service's blackouts block on its local dates from start to end. */
async function blockedPeriods(ctx: RequestContext, service: Service, start: Date, end: Date): Promise<Period[]> {
  const first = localDate(start, service.timezone);
  const last = localDate(end, service.timezone);
  return (await blackoutsOf(ctx.em, service, first, last)).flatMap((blackout) =>
    blackoutPeriods(blackout, service.timezone, first, last),
  );
}

/** One slot checked for `seats` people now, its times read in `zone`. */
function slotCheck(slot: Slot, service: Service, seats: number, now: Date, zone: string): SlotCheck {
  const reason = verdict(slot, service, seats, now);
  const at = (instant: Date) => DateTime.fromJSDate(instant, { zone });
  return {
    slot,
    date: at(slot.startsAt).toISODate()!,
    startTime: at(slot.startsAt).toFormat('HH:mm'),
    endTime: at(slot.endsAt).toFormat('HH:mm'),
    fits: reason === null,
    reason,
    waitlistOpen: reason === UnavailableReason.FULL,
    seats,
    seeksAlternatives: reason !== null && partyLimit(seats, service) === null,
  };
}

/** One date of the check: its slots, whether blackouts cover it all, and why nothing fits when nothing does. */
function dayCheck(date: DateTime, checked: SlotCheck[], periods: Period[]): AvailabilityCheckDay {
  const day = date.toISODate()!;
  const ofDay = checked.filter((slot) => slot.date === day);
  const blocked = covered(periods, dayStart(date), dayEnd(date));
  const fits = ofDay.some((slot) => slot.fits);
  const reasons = new Set(ofDay.map((slot) => slot.reason));
  const nearest = NEAREST_FIRST.find((reason) => reasons.has(reason));
  return {
    date: day,
    blocked,
    slots: ofDay,
    fits,
    reason: fits ? null : (nearest ?? (blocked ? UnavailableReason.BLACKED_OUT : UnavailableReason.NO_SLOTS)),
    waitlistOpen: ofDay.some((slot) => slot.waitlistOpen),
  };
}

/**
 * The availability check: a service's slots over dates of any time zone for one party (whether it fits, why
 * not, whether the waitlist takes it), the dates blackouts cover, and the nearest slots that fit instead.
 */
export class AvailabilityCheckService {
  constructor(private readonly catalog: CatalogService) {}

  async check(ctx: RequestContext, input: AvailabilityCheckInput): Promise<AvailabilityCheck> {
    const days = checkDays(input);
    const service = await this.catalog.getService(ctx, input.serviceId);
    const zone = input.timezone == null ? service.timezone : parseZone('timezone', input.timezone);
    const party: PartySize = input.party
      ? partyOf(input.party)
      : { adults: service.minPartySize, children: 0, infants: 0 };
    const seats = partySize(party);
    const dates = Array.from({ length: days + 1 }, (_, i) => DateTime.fromISO(input.from, { zone }).plus({ days: i }));
    const start = dayStart(dates[0]);
    const end = dayEnd(dates[days]);
    const slots = await slotsBetween(ctx, service, start, end);
    const periods = await blockedPeriods(ctx, service, start, end);
    const now = ctx.clock.now();
    const checked = slots.map((slot) => slotCheck(slot, service, seats, now, zone));
    const answerDays = dates.map((date) => dayCheck(date, checked, periods));
    return {
      serviceId: String(service.id),
      timezone: zone,
      from: input.from,
      to: input.to,
      party: { ...party, total: seats },
      days: answerDays,
      blockedDates: answerDays.filter((day) => day.blocked).map((day) => day.date),
      slotCount: checked.length,
      availableSlotCount: checked.filter((slot) => slot.fits).length,
      fits: checked.some((slot) => slot.fits),
      waitlistOpen: checked.some((slot) => slot.waitlistOpen),
    };
  }

  /**
   * The nearest other slots of a slot's service, before or after it, that the party can book now (the
   * earlier of two as near); for any slot of a service the caller may see.
   */
  async alternativesTo(ctx: RequestContext, slotId: string, partyInput: PartyInput, first: number): Promise<Slot[]> {
    const slot = await ctx.em.findOne(Slot, parseId('slotId', slotId));
    if (!slot) throw new NotFound('Slot', slotId);
    const service = await this.catalog.findService(ctx, String(slot.service.id));
    if (!service) throw new NotFound('Slot', slotId);
    return this.alternatives(ctx, slot, partySize(parseParty(partyInput, service)), first);
  }

  /**
   * The nearest slots that `seats` people can book instead of `slot`, nearest first, at most `first`; the
   * slots of one request asking alike are found in one statement.
   */
  async alternatives(ctx: RequestContext, slot: Slot, seats: number, first: number): Promise<Slot[]> {
    const count = intInRange('first', first, 1, MAX_ALTERNATIVES);
    const loader = requestLoader<number, Slot[]>(ctx.em, `alternatives:${seats}:${count}`, async (ids) => {
      const rows = await run(ctx.em, nearestSlots(ctx.clock.now(), seats, count, ids));
      const found = new Map(
        (await ctx.em.find(Slot, { id: { $in: rows.map((row) => row.id) } })).map((found) => [found.id, found]),
      );
      return ids.map((id) =>
        rows
          .filter((row) => row.target_id === id)
          .sort((a, b) => Math.abs(a.distance) - Math.abs(b.distance) || a.distance - b.distance)
          .slice(0, count)
          .map((row) => found.get(row.id)!),
      );
    });
    return loader.load(slot.id);
  }
}
