import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { BookingService } from '../booking/booking.service';
import { lockBookingWhere } from '../booking/booking-locks';
import type { Booking } from '../booking/booking.entity';
import { MAX_NOTE_LENGTH } from '../booking/booking-rules';
import type { Events } from '../events';
import { MAX_ROWS, MAX_SLOT_RANGE_MS } from '../graphql/limits';
import { requestLoader } from '../core/request-loaders';
import { run } from '../core/sql';
import { lockSlots } from './slot-locks';
import { liveBookingsOnSlot, scheduleFutureSlots } from './slot.sql';
import { actingForNote, assertManages } from '../accounts/ownership';
import type { CatalogService } from '../catalog/catalog.service';
import { isVisibleRow, LIMITS } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput, DomainError, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { parseAmount } from '../core/money';
import { intInRange, optionalText, text } from '../core/validate';
import { dateInYears, daysBetween, instantInYears, localDate, parseWallTime, SLOT_YEARS } from '../core/zoned-time';
import { announceSlots, SlotChangeReason } from '../live/live-events';
import { monthRange, type DaySummary } from './availability';
import { ruleFor } from './recurrence';
import { parseWorkingHours, type WorkingHours } from './working-hours';
import type { ScheduleInput, ScheduleUpdateInput } from './scheduling.inputs';
import { SlotStatus } from './scheduling.enums';
import { Schedule } from './schedule.entity';
import { followSlot, insertSlots, occurrencesToMake, slotsMade } from './schedule-slots';
import { byStart, Slot } from './slot.entity';
import { moveSlot } from './slot.state';
import { checkMinimumAt, deadlinePassed, minimumOf, slotMinimum } from './minimum-capacity';
import { daySummaryOf, readMonth, readSlots, type SlotRow } from './slot-reads';
import { scheduleSnapshot, slotSnapshot } from './slot-events';
import { AuditSubject } from '../core/audit';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { seatColumn } from '../booking/booking.state';

const MAX_RANGE_DAYS = 366;

function dateRange(from: string, to: string): void {
  dateInYears('from', from, SLOT_YEARS);
  dateInYears('to', to, SLOT_YEARS);
  const days = daysBetween(from, to);
  if (days < 0) throw new BadInput('to', 'must not be before from');
  if (days > MAX_RANGE_DAYS) throw new BadInput('to', `must be at most ${MAX_RANGE_DAYS} days after from`);
}

/** The window of a slot list, [from, to): at most six weeks (MAX_SLOT_RANGE_MS). */
function slotWindow(from: Date, to: Date): void {
  if (to <= from) throw new BadInput('to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_SLOT_RANGE_MS) throw new BadInput('to', 'must be at most 42 days after from');
}

/** A window holding more slots than one list answers: refused rather than cut, so that no slot goes unseen. */
const tooManySlots = () =>
  new BadInput('to', `the window holds more than ${MAX_ROWS.slots} slots of the service: ask for a shorter one`);

/** Working hours given with a schedule, checked, or none; their fields without endTime are refused. */
function workingHoursOf(
  input: Pick<ScheduleInput, 'startTime' | 'endTime' | 'slotMinutes' | 'breaks'>,
  durationMinutes: number,
): WorkingHours | null {
  if (input.endTime == null) {
    if (input.slotMinutes != null) throw new BadInput('slotMinutes', 'is for working hours: give endTime too');
    if (input.breaks != null) throw new BadInput('breaks', 'are for working hours: give endTime too');
    return null;
  }
  return parseWorkingHours({ ...input, endTime: input.endTime }, durationMinutes);
}

/** Sets what a schedule update gives of working hours: refused for a schedule of one slot a day. */
function updateHours(schedule: Schedule, input: ScheduleUpdateInput): void {
  const hours = schedule.workingHours();
  if (!hours) {
    const given = (['endTime', 'slotMinutes', 'breaks'] as const).find((field) => input[field] != null);
    if (given) throw new BadInput(given, 'is for working hours: this schedule makes one slot a day at startTime');
    return;
  }
  const next = parseWorkingHours(
    {
      startTime: schedule.startTime,
      endTime: input.endTime ?? hours.endTime,
      slotMinutes: input.slotMinutes ?? hours.slotMinutes,
      breaks: input.breaks ?? hours.breaks,
    },
    schedule.durationMinutes,
  );
  Object.assign(schedule, { endTime: next.endTime, slotMinutes: next.slotMinutes, breaks: next.breaks });
}

/** Checks and sets each field a schedule update gives, in the order its refusals are reported. */
function applyScheduleUpdate(schedule: Schedule, input: ScheduleUpdateInput, currency: string): void {
  if (input.name !== undefined) schedule.name = optionalText('name', input.name, 200, { singleLine: true });
  if (input.startTime != null) schedule.startTime = input.startTime;
  if (input.durationMinutes != null)
    schedule.durationMinutes = intInRange('durationMinutes', input.durationMinutes, 1, LIMITS.durationMinutes);
  if (input.capacity != null) schedule.capacity = intInRange('capacity', input.capacity, 1, LIMITS.capacity);
  if (input.priceAmount !== undefined)
    schedule.priceAmount = input.priceAmount == null ? null : parseAmount('priceAmount', input.priceAmount, currency);
  updateHours(schedule, input);
  if (input.validUntil !== undefined) {
    if (input.validUntil && input.validUntil < schedule.validFrom)
      throw new BadInput('validUntil', 'must not be before validFrom');
    schedule.validUntil = input.validUntil ?? null;
  }
  if (input.active != null) schedule.active = input.active;
  if (input.minCapacity !== undefined || input.minCapacityHours !== undefined) {
    // Both, always: both null remove the minimum, and one alone would be read as removing it.
    if (input.minCapacity === undefined)
      throw new BadInput('minCapacity', 'is required with minCapacityHours (both null remove the minimum)');
    if (input.minCapacityHours === undefined)
      throw new BadInput('minCapacityHours', 'is required with minCapacity (both null remove the minimum)');
    Object.assign(schedule, minimumOf(input, schedule.capacity));
  } else if (schedule.minCapacity != null && schedule.minCapacity > schedule.capacity)
    throw new BadInput(
      'capacity',
      `is below the schedule's minimum of ${schedule.minCapacity} people: lower or remove minCapacity with it`,
    );
}

/** Refuses to reopen a slot cancelled for good, and to close one with booked or held seats. */
function assertMayChange(slots: Slot[], changing: Slot[], open: boolean): void {
  const cancelled = open && slots.find((slot) => slot.status === SlotStatus.CANCELLED);
  if (cancelled)
    throw new DomainError(
      'INVALID_TRANSITION',
      `The slot at ${cancelled.startsAt.toISOString()} was cancelled for good and cannot be reopened: narrow the range to leave it out`,
      { slotId: String(cancelled.id), from: SlotStatus.CANCELLED, to: SlotStatus.OPEN },
    );
  const taken = !open && changing.find((slot) => slot.booked + slot.held > 0);
  if (taken) {
    throw new DomainError('HAS_BOOKINGS', `The slot at ${taken.startsAt.toISOString()} has booked or held seats`, {
      slotId: String(taken.id),
    });
  }
}

/** Schedules, the slots they make, and the open or closed state of slots. */
export class SchedulingService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly lifecycle: BookingLifecycle,
    private readonly bookings: BookingService,
    private readonly events: Events,
  ) {}

  /** Publishes a change of a schedule or a slot, for its audit trail. */
  private async recorded(
    tx: TxContext,
    subject: AuditSubject.SCHEDULE | AuditSubject.SLOT,
    id: number,
    action: string,
    before: object | null,
    after: object,
    reason: string | null = null,
  ): Promise<void> {
    await this.events.publish(tx, 'recordChanged', { subject, id, action, before, after, reason });
  }

  private async managedService(ctx: RequestContext, serviceId: string): Promise<Service> {
    const service = await this.catalog.getService(ctx, serviceId);
    await assertManages(ctx, service.provider);
    return service;
  }

  /** A schedule, with its service, that the caller manages; `field` names the id in a refusal. */
  private async managedSchedule(tx: TxContext, field: string, id: string): Promise<Schedule> {
    const schedule = await tx.em.findOne(Schedule, parseId(field, id), { populate: ['service'] });
    if (!schedule) throw new NotFound('Schedule', id);
    await assertManages(tx, schedule.service.getEntity().provider);
    return schedule;
  }

  async createSchedule(ctx: RequestContext, serviceId: string, input: ScheduleInput): Promise<Schedule> {
    parseWallTime('startTime', input.startTime);
    dateInYears('validFrom', input.validFrom, SLOT_YEARS);
    if (input.validUntil) dateInYears('validUntil', input.validUntil, SLOT_YEARS);
    if (input.validUntil && input.validUntil < input.validFrom)
      throw new BadInput('validUntil', 'must not be before validFrom');
    return inTransaction(ctx, async (tx) => {
      const service = await this.managedService(tx, serviceId);
      const durationMinutes = intInRange(
        'durationMinutes',
        input.durationMinutes ?? service.durationMinutes,
        1,
        LIMITS.durationMinutes,
      );
      const hours = workingHoursOf(input, durationMinutes);
      const capacity = intInRange('capacity', input.capacity ?? service.capacity, 1, LIMITS.capacity);
      const schedule = tx.em.create(Schedule, {
        service,
        name: optionalText('name', input.name, 200, { singleLine: true }),
        rrule: ruleFor(input.recurrence, input.validFrom),
        startTime: input.startTime,
        endTime: hours?.endTime ?? null,
        slotMinutes: hours?.slotMinutes ?? null,
        breaks: hours?.breaks ?? null,
        durationMinutes,
        capacity,
        ...minimumOf(input, capacity),
        priceAmount: input.priceAmount == null ? null : parseAmount('priceAmount', input.priceAmount, service.currency),
        validFrom: input.validFrom,
        validUntil: input.validUntil ?? null,
      });
      await tx.em.flush();
      const after = scheduleSnapshot(schedule, service.currency);
      const note = await actingForNote(tx, service.provider);
      await this.recorded(tx, AuditSubject.SCHEDULE, schedule.id, 'schedule.created', null, after, note);
      return schedule;
    });
  }

  /** The schedules of a service, for its provider and admins. */
  async schedules(ctx: RequestContext, serviceId: string): Promise<Schedule[]> {
    const service = await this.managedService(ctx, serviceId);
    return ctx.em.find(Schedule, { service: service.id }, { orderBy: { id: 'asc' }, limit: MAX_ROWS.schedules });
  }

  /**
   * Edits or deactivates a schedule. Its future slots with no seats taken follow at once (new time, length,
   * seats and price; closed when outside its validity or when it is deactivated); slots with seats taken
   * keep what was booked, and past slots are never touched.
   */
  async updateSchedule(ctx: RequestContext, id: string, input: ScheduleUpdateInput): Promise<Schedule> {
    if (input.startTime != null) parseWallTime('startTime', input.startTime);
    if (input.validUntil) dateInYears('validUntil', input.validUntil, SLOT_YEARS);
    try {
      return await inTransaction(ctx, async (tx) => {
        const schedule = await this.managedSchedule(tx, 'id', id);
        const service = schedule.service.getEntity();
        const before = scheduleSnapshot(schedule, service.currency);
        applyScheduleUpdate(schedule, input, service.currency);
        await this.followSchedule(tx, schedule, service);
        const after = scheduleSnapshot(schedule, service.currency);
        const note = await actingForNote(tx, service.provider);
        await this.recorded(tx, AuditSubject.SCHEDULE, schedule.id, 'schedule.updated', before, after, note);
        return schedule;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new BadInput('startTime', 'a slot of the service already starts at one of the new times');
      throw error;
    }
  }

  /** Brings the schedule's future slots with no seats taken in line with it (see updateSchedule). */
  private async followSchedule(tx: TxContext, schedule: Schedule, service: Service): Promise<void> {
    const now = tx.clock.now();
    const rows = await run(tx.em, scheduleFutureSlots(schedule.id, now));
    const slots = await lockSlots(tx, { ids: rows.map((row) => row.id) });
    const times = schedule.slotStarts();
    const records: { slot: Slot; action: 'closed' | 'updated'; before: object }[] = [];
    for (const slot of slots.filter((candidate) => candidate.booked + candidate.held === 0)) {
      const before = slotSnapshot(slot, service.currency);
      const action = followSlot(tx, schedule, times, slot, service.timezone, now);
      if (action) records.push({ slot, action, before });
    }
    await tx.em.flush();
    for (const { slot, action, before } of records)
      await this.recorded(
        tx,
        AuditSubject.SLOT,
        slot.id,
        `slot.${action}`,
        before,
        slotSnapshot(slot, service.currency),
      );
    const idsOf = (action: string) => records.filter((record) => record.action === action).map(({ slot }) => slot.id);
    const changed = idsOf('updated');
    announceSlots(tx, service.id, idsOf('closed'), SlotChangeReason.CLOSED);
    announceSlots(tx, service.id, changed, SlotChangeReason.UPDATED);
    await this.lifecycle.seatsFreed(tx, changed); // more seats, or seats at a new time, go to the waitlist first
  }

  /**
   * Cancels one departure: the slot becomes CANCELLED with its reason, every live booking on it is
   * cancelled by the provider with a full refund and that reason, and its waitlist entries end
   * (slotCancelled). Locks bookings first, then the slot, as every booking change does.
   */
  async cancelSlot(ctx: RequestContext, id: string, reasonInput: string): Promise<Slot> {
    const slotId = parseId('id', id);
    const reason = text('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const found = await tx.em.findOne(Slot, slotId, { populate: ['service'] });
      if (!found) throw new NotFound('Slot', id);
      await assertManages(tx, found.service.getEntity().provider);
      return (await this.cancelDeparture(tx, found, reason, () => true))!;
    });
  }

  /**
   * Cancels a departure once its bookings and then the slot are locked, if `still` holds of the slot as
   * locked (else null, nothing changed): the provider's cancelSlot, or a departure below its minimum.
   */
  async cancelDeparture(
    tx: TxContext,
    found: Slot,
    reason: string,
    still: (slot: Slot) => boolean,
  ): Promise<Slot | null> {
    const slotId = found.id;
    const service = found.service.getEntity();
    const bookings = await this.lockLiveBookings(tx, slotId, []);
    const [slot] = await lockSlots(tx, { ids: [slotId] });
    // A booking committed between the first look and the slot's lock: no other can come now.
    bookings.push(...(await this.lockLiveBookings(tx, slotId, bookings)));
    if (!still(slot)) return null;
    if (slot.startsAt <= tx.clock.now())
      throw new DomainError('INVALID_TRANSITION', 'This slot has started: cancel its bookings one by one', {
        rule: 'STARTED',
      });
    const before = slotSnapshot(slot, service.currency);
    moveSlot(slot, SlotStatus.CANCELLED);
    slot.cancellationReason = reason;
    await tx.em.flush();
    const after = slotSnapshot(slot, service.currency);
    await this.recorded(tx, AuditSubject.SLOT, slot.id, 'slot.cancelled', before, after, reason);
    announceSlots(tx, service.id, [slot.id], SlotChangeReason.CANCELLED);
    for (const booking of bookings) await this.bookings.cancelLocked(tx, booking, reason, false);
    await this.events.publish(tx, 'slotCancelled', { slotId, serviceId: service.id, reason });
    return slot;
  }

  /** The live bookings on a slot not in `known`, each locked, in id order. */
  private async lockLiveBookings(tx: TxContext, slotId: number, known: Booking[]): Promise<Booking[]> {
    const rows = await run(
      tx.em,
      liveBookingsOnSlot(
        slotId,
        known.map((booking) => booking.id),
      ),
    );
    const locked: Booking[] = [];
    for (const { id } of rows) {
      const booking = await lockBookingWhere(tx, { id });
      if (booking && seatColumn(booking.status)) locked.push(booking);
    }
    return locked;
  }

  /** One slot per future occurrence in [from, to] and in the schedule's validity, outside blackouts; idempotent. */
  async generateSlots(ctx: RequestContext, scheduleId: string, from: string, to: string): Promise<Slot[]> {
    dateRange(from, to);
    return inTransaction(ctx, async (tx) => {
      const schedule = await this.managedSchedule(tx, 'scheduleId', scheduleId);
      const service = schedule.service.getEntity();
      const first = from > schedule.validFrom ? from : schedule.validFrom;
      const last = schedule.validUntil && schedule.validUntil < to ? schedule.validUntil : to;
      if (!schedule.active || first > last) return [];
      const wanted = await occurrencesToMake(tx, schedule, service, first, last);
      if (wanted.length === 0) return [];
      const made = await insertSlots(tx, schedule, service, wanted);
      announceSlots(tx, service.id, made, SlotChangeReason.CREATED);
      // One entry on the schedule names the slots it made (a year of them would be a year of entries).
      if (made.length > 0) {
        const note = await actingForNote(tx, service.provider);
        const after = { from: first, to: last, slotIds: made.map(String) };
        await this.recorded(tx, AuditSubject.SCHEDULE, schedule.id, 'schedule.slots_generated', null, after, note);
      }
      return slotsMade(tx, service, wanted, made);
    });
  }

  async createSlot(
    ctx: RequestContext,
    serviceId: string,
    startsAt: Date,
    endsAt: Date,
    options: Pick<ScheduleInput, 'capacity' | 'minCapacity' | 'minCapacityHours'> = {},
  ): Promise<Slot> {
    instantInYears('startsAt', startsAt, SLOT_YEARS);
    if (endsAt <= startsAt) throw new BadInput('endsAt', 'must be after startsAt');
    if (endsAt.getTime() - startsAt.getTime() > LIMITS.durationMinutes * 60_000)
      throw new BadInput('endsAt', 'the slot is longer than 7 days');
    try {
      const slot = await inTransaction(ctx, async (tx) => {
        const service = await this.managedService(tx, serviceId);
        const capacity = intInRange('capacity', options.capacity ?? service.capacity, 1, LIMITS.capacity);
        const minimum = slotMinimum(minimumOf(options, capacity), startsAt);
        if (deadlinePassed(minimum, tx.clock.now()))
          throw new BadInput('minCapacityHours', 'puts the deadline in the past: the slot starts sooner than that');
        const created = tx.em.create(Slot, {
          service,
          startsAt,
          endsAt,
          localDate: localDate(startsAt, service.timezone),
          capacity,
          ...minimum,
        });
        await tx.em.flush();
        checkMinimumAt(tx, created.id, minimum.minDeadline);
        announceSlots(tx, service.id, [created.id], SlotChangeReason.CREATED);
        const after = slotSnapshot(created, service.currency);
        await this.recorded(tx, AuditSubject.SLOT, created.id, 'slot.created', null, after);
        return created;
      });
      // Reads the blackout formula, which only the database computes.
      return ctx.em.findOneOrFail(Slot, slot.id, { refresh: true });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new BadInput('startsAt', 'the service already has a slot starting then');
      throw error;
    }
  }

  /**
   * Closes (or reopens) every slot starting in [from, to). Closing refuses with HAS_BOOKINGS when any of
   * them has booked or held seats; the rows stay locked until commit, so no booking slips in between.
   */
  async setAvailability(ctx: RequestContext, serviceId: string, from: Date, to: Date, open: boolean): Promise<Slot[]> {
    slotWindow(from, to);
    return inTransaction(ctx, async (tx) => {
      const service = await this.managedService(tx, serviceId);
      const slots = await lockSlots(tx, { serviceId: service.id, from, to, limit: MAX_ROWS.slots + 1 });
      if (slots.length > MAX_ROWS.slots) throw tooManySlots();
      const target = open ? SlotStatus.OPEN : SlotStatus.CLOSED;
      const changing = slots.filter((slot) => slot.status === (open ? SlotStatus.CLOSED : SlotStatus.OPEN));
      assertMayChange(slots, changing, open);
      for (const slot of changing) {
        const before = slotSnapshot(slot, service.currency);
        moveSlot(slot, target);
        const action = open ? 'slot.opened' : 'slot.closed';
        await this.recorded(tx, AuditSubject.SLOT, slot.id, action, before, slotSnapshot(slot, service.currency));
      }
      const reason = open ? SlotChangeReason.OPENED : SlotChangeReason.CLOSED;
      announceSlots(
        tx,
        service.id,
        changing.map((slot) => slot.id),
        reason,
      );
      if (open && changing.length > 0) {
        await tx.em.flush();
        await this.lifecycle.seatsFreed(
          tx,
          changing.map((slot) => slot.id),
        );
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
        throw new DomainError('HAS_BOOKINGS', `The slot has ${slot.booked + slot.held} seats booked or held`, {
          slotId: String(slot.id),
        });
      }
      const raised = value > slot.capacity;
      const before = slotSnapshot(slot, service.currency);
      slot.capacity = value;
      await tx.em.flush();
      const after = slotSnapshot(slot, service.currency);
      await this.recorded(tx, AuditSubject.SLOT, slot.id, 'slot.capacity_changed', before, after);
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
    slotWindow(from, to);
    const loader = requestLoader<number, SlotRow[]>(
      ctx.em,
      `slots:${from.toISOString()}/${to.toISOString()}`,
      async (ids) => {
        const byService = await readSlots(ctx.em, ids, from, to, ctx.clock.now(), MAX_ROWS.slots + 1);
        return ids.map((id) => {
          const rows = byService.get(id) ?? [];
          return rows.length > MAX_ROWS.slots ? tooManySlots() : rows;
        });
      },
    );
    return loader.load(service.id);
  }

  /**
   * A month of a service, in one statement: of a service given by id, one the caller may see (NOT_FOUND
   * otherwise, as getService); of a loaded service, one the caller has been shown already.
   */
  async monthAvailability(
    ctx: RequestContext,
    service: string | Service,
    month: string,
  ): Promise<{ month: string; days: DaySummary[] }> {
    const { first, last } = monthRange(month);
    const byId = typeof service === 'string';
    const days = await readMonth(ctx, byId ? parseId('serviceId', service) : service.id, first, last);
    const [day] = days;
    if (!day || (byId && !isVisibleRow(ctx, day.active, day.owner_user_id)))
      throw new NotFound('Service', byId ? service : service.id);
    return { month, days: days.map(daySummaryOf) };
  }
}
