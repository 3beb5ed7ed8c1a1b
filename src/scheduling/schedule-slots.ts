import type { EntityManager } from '@mikro-orm/postgresql';
import type { Service } from '../catalog/service.entity';
import type { TxContext } from '../core/context';
import { BadInput } from '../core/errors';
import { MAX_ROWS } from '../graphql/limits';
import { zonedInstant } from '../core/zoned-time';
import { Blackout } from './blackout.entity';
import { blackoutCovers } from './blackout-periods';
import { checkMinimumAt, deadlinePassed, slotMinimum } from './minimum-capacity';
import { occurrences } from './recurrence';
import type { Schedule } from './schedule.entity';
import { SlotStatus } from './scheduling.enums';
import { Slot } from './slot.entity';
import { moveSlot } from './slot.state';
import type { WallTime } from './working-hours';

/** A slot a schedule makes: its start and end, and the service's local date it starts on. */
interface Occurrence {
  startsAt: Date;
  endsAt: Date;
  localDate: string;
}

/** The active blackouts of one service, of its whole provider and global ones that touch [from, to]. */
export function blackoutsOf(em: EntityManager, service: Service, from: string, to: string): Promise<Blackout[]> {
  return em.find(Blackout, {
    active: true,
    $and: [
      { $or: [{ provider: null }, { provider: service.provider.id }] },
      { $or: [{ service: null }, { service: service.id }] },
    ],
    startsOn: { $lte: to },
    endsOn: { $gte: from },
  });
}

const slotEnd = (schedule: Schedule, startsAt: Date): Date =>
  new Date(startsAt.getTime() + schedule.durationMinutes * 60_000);

/**
 * The slots the schedule makes in [first, last]: its occurrences that are still to come and outside
 * blackouts. Past occurrences make no slot: nobody could book one (docs/booking.md, "Managing schedules and slots").
 */
export async function occurrencesToMake(
  tx: TxContext,
  schedule: Schedule,
  service: Service,
  first: string,
  last: string,
): Promise<Occurrence[]> {
  const zone = service.timezone;
  const blackouts = await blackoutsOf(tx.em, service, first, last);
  const now = tx.clock.now();
  const wanted = occurrences(schedule.rrule, schedule.validFrom, schedule.slotStarts(), zone, first, last)
    .map((occurrence) => ({ ...occurrence, endsAt: slotEnd(schedule, occurrence.startsAt) }))
    .filter(
      ({ startsAt, endsAt, localDate }) =>
        startsAt > now &&
        !blackouts.some((blackout) => blackoutCovers(blackout, { start: startsAt, end: endsAt, localDate }, zone)),
    );
  // Its answer is a slot list, bounded as every slot list is (working hours make many a day).
  if (wanted.length > MAX_ROWS.slots)
    throw new BadInput(
      'to',
      `the range makes ${wanted.length} slots, more than ${MAX_ROWS.slots} at once: generate a shorter range`,
    );
  return wanted;
}

/** Inserts the schedule's slots, skipping starts the service has a slot at already: the ids of those it made. */
export async function insertSlots(
  tx: TxContext,
  schedule: Schedule,
  service: Service,
  wanted: Occurrence[],
): Promise<number[]> {
  const now = tx.clock.now();
  const inserted = await tx.em
    .createQueryBuilder(Slot)
    .insert(
      wanted.map((occurrence) => {
        const minimum = slotMinimum(schedule, occurrence.startsAt);
        return {
          service: service.id,
          schedule: schedule.id,
          startsAt: occurrence.startsAt,
          endsAt: occurrence.endsAt,
          localDate: occurrence.localDate,
          capacity: schedule.capacity,
          priceAmount: schedule.priceAmount ?? null,
          // A departure made after its deadline has none: checked at once, it would be cancelled as it is made.
          ...(deadlinePassed(minimum, now) ? {} : minimum),
        };
      }),
    )
    .onConflict(['service_id', 'starts_at'])
    .ignore()
    .returning('id')
    .execute('all');
  return inserted.map((row: { id: number }) => row.id);
}

/** The service's slots at the wanted starts, in order; each one just made with a minimum gets its deadline's job. */
export async function slotsMade(
  tx: TxContext,
  service: Service,
  wanted: Occurrence[],
  made: number[],
): Promise<Slot[]> {
  const slots = await tx.em.find(
    Slot,
    { service: service.id, startsAt: { $in: wanted.map((occurrence) => occurrence.startsAt) } },
    { orderBy: { startsAt: 'asc' } },
  );
  for (const slot of slots) if (made.includes(slot.id)) checkMinimumAt(tx, slot.id, slot.minDeadline);
  return slots;
}

/**
 * Where a free slot of the schedule starts now that it changed, or null when it no longer belongs to it
 * (deactivated, after validUntil, or, for working hours, a time the new hours no longer hold): one slot a
 * day moves to the new start time on its date; a slot of working hours keeps its start.
 */
function startUnder(schedule: Schedule, times: WallTime[], slot: Slot, zone: string): Date | null {
  if (!schedule.active || (schedule.validUntil && slot.localDate > schedule.validUntil)) return null;
  const starts = times.map((time) => zonedInstant(slot.localDate, time, zone));
  if (!schedule.workingHours()) return starts[0];
  return starts.some((start) => start.getTime() === slot.startsAt.getTime()) ? slot.startsAt : null;
}

/**
 * Brings one free slot of the changed schedule in line with it (updateSchedule): closed when it no longer
 * belongs to it, or given its new time, length, seats, price and minimum; null when nothing changed.
 */
export function followSlot(
  tx: TxContext,
  schedule: Schedule,
  times: WallTime[],
  slot: Slot,
  zone: string,
  now: Date,
): 'closed' | 'updated' | null {
  const startsAt = startUnder(schedule, times, slot, zone);
  if (!startsAt) {
    if (slot.status !== SlotStatus.OPEN) return null;
    moveSlot(slot, SlotStatus.CLOSED);
    return 'closed';
  }
  if (startsAt <= now) return null; // moved into the past: left as it was rather than made unbookable
  // Its minimum's deadline moves with its start (a deadline after the start would never be checked in time). A
  // minimum whose deadline has passed would cancel the departure at once: it keeps the one it had.
  const minimum = slotMinimum(schedule, startsAt);
  const kept = deadlinePassed(minimum, now);
  const next = {
    startsAt,
    endsAt: slotEnd(schedule, startsAt),
    capacity: schedule.capacity,
    priceAmount: schedule.priceAmount ?? null,
    ...(kept ? {} : minimum),
  };
  const same =
    slot.startsAt.getTime() === next.startsAt.getTime() &&
    slot.endsAt.getTime() === next.endsAt.getTime() &&
    slot.capacity === next.capacity &&
    slot.priceAmount === next.priceAmount &&
    (kept ||
      ((slot.minCapacity ?? null) === minimum.minCapacity &&
        (slot.minDeadline?.getTime() ?? null) === (minimum.minDeadline?.getTime() ?? null)));
  if (same) return null;
  Object.assign(slot, next);
  if (!kept) checkMinimumAt(tx, slot.id, minimum.minDeadline);
  return 'updated';
}
