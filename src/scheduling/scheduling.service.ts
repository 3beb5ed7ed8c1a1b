import DataLoader from 'dataloader';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { lockSlots } from './slot-locks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertManages } from '../accounts/ownership';
import type { CatalogService } from '../catalog/catalog.service';
import { LIMITS } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput, DomainError, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { parseAmount } from '../core/money';
import { intInRange, optionalText } from '../core/validate';
import { dateInYears, daysBetween, instantInYears, localDate, parseWallTime, SLOT_YEARS } from '../core/zoned-time';
import { announceSlots, SlotChangeReason } from '../live/live-events';
import { monthRange, summariseMonth, type DaySummary } from './availability';
import { Blackout } from './blackout.entity';
import { occurrences, ruleFor } from './recurrence';
import type { ScheduleInput } from './scheduling.inputs';
import { SlotStatus } from './scheduling.enums';
import { Schedule } from './schedule.entity';
import { byStart, Slot } from './slot.entity';
import { readDayTotals, readSlots, type SlotRow } from './slot-reads';
import type { BookingLifecycle } from '../booking/booking-lifecycle';

const MAX_RANGE_DAYS = 366;

/** Per request (its context object), per range: the batched slot reads of Service.slots. */
const slotLoaders = new WeakMap<RequestContext, Map<string, DataLoader<number, SlotRow[]>>>();

function dateRange(from: string, to: string): void {
  dateInYears('from', from, SLOT_YEARS);
  dateInYears('to', to, SLOT_YEARS);
  const days = daysBetween(from, to);
  if (days < 0) throw new BadInput('to', 'must not be before from');
  if (days > MAX_RANGE_DAYS) throw new BadInput('to', `must be at most ${MAX_RANGE_DAYS} days after from`);
}

function instantRange(from: Date, to: Date): void {
  if (to <= from) throw new BadInput('to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw new BadInput('to', `must be at most ${MAX_RANGE_DAYS} days after from`);
  }
}

/** Blackouts of one service or of its whole provider that touch [from, to]. */
export function blackoutsOf(em: EntityManager, service: Service, from: string, to: string): Promise<Blackout[]> {
  return em.find(Blackout, {
    provider: service.provider.id,
    $or: [{ service: null }, { service: service.id }],
    startsOn: { $lte: to },
    endsOn: { $gte: from },
  });
}

/** Schedules, the slots they make, and the open or closed state of slots. */
export class SchedulingService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  private async managedService(ctx: RequestContext, serviceId: string): Promise<Service> {
    const service = await this.catalog.getService(ctx, serviceId);
    await assertManages(ctx, service.provider);
    return service;
  }

  async createSchedule(ctx: RequestContext, serviceId: string, input: ScheduleInput): Promise<Schedule> {
    parseWallTime('startTime', input.startTime);
    dateInYears('validFrom', input.validFrom, SLOT_YEARS);
    if (input.validUntil) dateInYears('validUntil', input.validUntil, SLOT_YEARS);
    if (input.validUntil && input.validUntil < input.validFrom) throw new BadInput('validUntil', 'must not be before validFrom');
    return inTransaction(ctx, async (tx) => {
      const service = await this.managedService(tx, serviceId);
      return tx.em.create(Schedule, {
        service,
        name: optionalText('name', input.name, 200, { singleLine: true }),
        rrule: ruleFor(input.recurrence, input.validFrom),
        startTime: input.startTime,
        durationMinutes: intInRange('durationMinutes', input.durationMinutes ?? service.durationMinutes, 1, LIMITS.durationMinutes),
        capacity: intInRange('capacity', input.capacity ?? service.capacity, 1, LIMITS.capacity),
        priceAmount: input.priceAmount == null ? null : parseAmount('priceAmount', input.priceAmount, service.currency),
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      });
    });
  }

  /** One slot per occurrence in [from, to] and in the schedule's validity, outside blackouts; idempotent. */
  async generateSlots(ctx: RequestContext, scheduleId: string, from: string, to: string): Promise<Slot[]> {
    dateRange(from, to);
    return inTransaction(ctx, async (tx) => {
      const schedule = await tx.em.findOne(Schedule, parseId('scheduleId', scheduleId), { populate: ['service'] });
      if (!schedule) throw new NotFound('Schedule', scheduleId);
      const service = schedule.service.getEntity();
      await assertManages(tx, service.provider);
      const first = from > schedule.validFrom ? from : schedule.validFrom;
      const last = schedule.validUntil && schedule.validUntil < to ? schedule.validUntil : to;
      if (!schedule.active || first > last) return [];

      const blackouts = await blackoutsOf(tx.em, service, first, last);
      const wanted = occurrences(schedule.rrule, schedule.validFrom, parseWallTime('startTime', schedule.startTime), service.timezone, first, last)
        .filter((occurrence) => !blackouts.some((b) => b.startsOn <= occurrence.localDate && occurrence.localDate <= b.endsOn));
      if (wanted.length === 0) return [];
      const inserted = await tx.em
        .createQueryBuilder(Slot)
        .insert(
          wanted.map((occurrence) => ({
            service: service.id,
            schedule: schedule.id,
            startsAt: occurrence.startsAt,
            endsAt: new Date(occurrence.startsAt.getTime() + schedule.durationMinutes * 60_000),
            localDate: occurrence.localDate,
            capacity: schedule.capacity,
            priceAmount: schedule.priceAmount ?? null,
          })),
        )
        .onConflict(['service_id', 'starts_at'])
        .ignore()
        .returning('id')
        .execute('all');
      announceSlots(tx, service.id, inserted.map((row: { id: number }) => row.id), SlotChangeReason.CREATED);
      return tx.em.find(Slot, { service: service.id, startsAt: { $in: wanted.map((o) => o.startsAt) } }, { orderBy: { startsAt: 'asc' } });
    });
  }

  async createSlot(ctx: RequestContext, serviceId: string, startsAt: Date, endsAt: Date, capacity?: number | null): Promise<Slot> {
    instantInYears('startsAt', startsAt, SLOT_YEARS);
    if (endsAt <= startsAt) throw new BadInput('endsAt', 'must be after startsAt');
    if (endsAt.getTime() - startsAt.getTime() > LIMITS.durationMinutes * 60_000) throw new BadInput('endsAt', 'the slot is longer than 7 days');
    try {
      const slot = await inTransaction(ctx, async (tx) => {
        const service = await this.managedService(tx, serviceId);
        const created = tx.em.create(Slot, {
          service,
          startsAt,
          endsAt,
          localDate: localDate(startsAt, service.timezone),
          capacity: intInRange('capacity', capacity ?? service.capacity, 1, LIMITS.capacity),
        });
        await tx.em.flush();
        announceSlots(tx, service.id, [created.id], SlotChangeReason.CREATED);
        return created;
      });
      // Reads the blackout formula, which only the database computes.
      return ctx.em.findOneOrFail(Slot, slot.id, { refresh: true });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new BadInput('startsAt', 'the service already has a slot starting then');
      throw error;
    }
  }

  /**
   * Closes (or reopens) every slot starting in [from, to). Closing refuses with HAS_BOOKINGS when any of
   * them has booked or held seats; the rows stay locked until commit, so no booking slips in between.
   */
  async setAvailability(ctx: RequestContext, serviceId: string, from: Date, to: Date, open: boolean): Promise<Slot[]> {
    instantRange(from, to);
    return inTransaction(ctx, async (tx) => {
      const service = await this.managedService(tx, serviceId);
      const slots = await lockSlots(tx, { serviceId: service.id, from, to });
      const target = open ? SlotStatus.OPEN : SlotStatus.CLOSED;
      const changing = slots.filter((slot) => slot.status === (open ? SlotStatus.CLOSED : SlotStatus.OPEN));
      const taken = changing.find((slot) => slot.booked + slot.held > 0);
      if (!open && taken) {
        throw new DomainError('HAS_BOOKINGS', `The slot at ${taken.startsAt.toISOString()} has booked or held seats`, { slotId: String(taken.id) });
      }
      changing.forEach((slot) => (slot.status = target));
      const reason = open ? SlotChangeReason.OPENED : SlotChangeReason.CLOSED;
      announceSlots(tx, service.id, changing.map((slot) => slot.id), reason);
      if (open && changing.length > 0) {
        await tx.em.flush();
        await this.lifecycle.seatsFreed(tx, changing.map((slot) => slot.id));
      }
      return slots.sort(byStart);
    });
  }

  /**
   * Sets one slot's capacity. It cannot go below the seats booked and held (HAS_BOOKINGS); seats it adds
   * are offered to the waitlist at once.
   */
  async setSlotCapacity(ctx: RequestContext, slotId: string, capacity: number): Promise<Slot> {
    const value = intInRange('capacity', capacity, 1, LIMITS.capacity);
    return inTransaction(ctx, async (tx) => {
      const [slot] = await lockSlots(tx, { ids: [parseId('id', slotId)] });
      if (!slot) throw new NotFound('Slot', slotId);
      const service = await slot.service.loadOrFail();
      await assertManages(tx, service.provider);
      if (value < slot.booked + slot.held) {
        throw new DomainError('HAS_BOOKINGS', `The slot has ${slot.booked + slot.held} seats booked or held`, { slotId: String(slot.id) });
      }
      const raised = value > slot.capacity;
      slot.capacity = value;
      await tx.em.flush();
      announceSlots(tx, service.id, [slot.id], SlotChangeReason.UPDATED);
      if (raised) await this.lifecycle.seatsFreed(tx, [slot.id]);
      return slot;
    });
  }

  /**
   * The slots of a service starting in [from, to), as rows. The services of one request asking for the
   * same range are read together: a list of services with their slots costs one statement.
   */
  async listSlots(ctx: RequestContext, service: Service, from: Date, to: Date): Promise<SlotRow[]> {
    instantRange(from, to);
    const loaders = slotLoaders.get(ctx) ?? new Map<string, DataLoader<number, SlotRow[]>>();
    slotLoaders.set(ctx, loaders);
    const range = `${from.toISOString()}/${to.toISOString()}`;
    let loader = loaders.get(range);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const byService = await readSlots(ctx.em, ids, from, to, ctx.clock.now());
        return ids.map((id) => byService.get(id) ?? []);
      });
      loaders.set(range, loader);
    }
    return loader.load(service.id);
  }

  async monthAvailability(ctx: RequestContext, service: Service, month: string): Promise<{ month: string; days: DaySummary[] }> {
    const { first, last } = monthRange(month);
    const [days, blackouts] = await Promise.all([readDayTotals(ctx.em, service.id, first, last, ctx.clock.now()), blackoutsOf(ctx.em, service, first, last)]);
    return { month, days: summariseMonth(month, days, blackouts) };
  }
}
