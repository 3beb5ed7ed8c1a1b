import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import type { CatalogService } from '../catalog/catalog.service';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { Money } from '../graphql/money.type';
import { DateScalar } from '../graphql/scalars';
import { Blackout } from './blackout.entity';
import type { BlackoutService } from './blackout.service';
import { BlackoutInput, MonthAvailability, ScheduleInput, ScheduleUpdateInput } from './scheduling.inputs';
import type { SchedulingService } from './scheduling.service';
import { Schedule, TimeRangeType, wallClock } from './schedule.entity';
import { MAX_BREAKS, MAX_SLOTS_A_DAY } from './working-hours';
import { Slot } from './slot.entity';
import type { SlotRow } from './slot-reads';
import { AVAILABILITY_COST, datesIn, listCost, MAX_ROWS } from '../graphql/limits';

/** The bound every slot list states. */
const SLOT_LIST = `Slots starting in [from, to), every status, by start: a window of at most 42 days holding at most ${MAX_ROWS.slots} slots of the service (else BAD_USER_INPUT on \`to\`: ask for a shorter window).`;

@Resolver(() => Schedule)
export class ScheduleResolver {
  constructor(private readonly scheduling: SchedulingService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Schedule, {
    description: 'Adds a recurrence to a service (its provider or an admin); `generateSlots` then makes its slots.',
  })
  createSchedule(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service.' }) serviceId: string,
    @Arg('input', () => ScheduleInput, { description: 'The recurrence, times, capacity and price.' })
    input: ScheduleInput,
  ): Promise<Schedule> {
    return this.scheduling.createSchedule(ctx, serviceId, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [Schedule], {
    description: `The schedules of a service, active or not, by id: its provider and admins only; at most ${MAX_ROWS.schedules}.`,
    complexity: listCost(5, MAX_ROWS.schedules),
  })
  schedules(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service whose schedules to list.' }) serviceId: string,
  ): Promise<Schedule[]> {
    return this.scheduling.schedules(ctx, serviceId);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Schedule, {
    description:
      'Edits or deactivates a schedule; its future slots with no seats taken follow, booked ones keep their terms (README, "Managing schedules and slots").',
  })
  updateSchedule(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The schedule to change.' }) id: string,
    @Arg('input', () => ScheduleUpdateInput, { description: 'The fields to change; those left out stay.' })
    input: ScheduleUpdateInput,
  ): Promise<Schedule> {
    return this.scheduling.updateSchedule(ctx, id, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => [Slot], {
    description: `Makes one slot per occurrence of the schedule (one a day, or each slot time of its working hours) whose local date lies in [from, to] (at most 366 days) and in the schedule's validity, skipping blackouts; idempotent (existing slots stay). Answers the slots of those occurrences: at most ${MAX_ROWS.slots} (more is BAD_USER_INPUT on \`to\`: generate a shorter range).`,
    complexity: listCost(20, ({ from, to }) => Math.min(MAX_ROWS.slots, datesIn(from, to) * MAX_SLOTS_A_DAY)),
  })
  generateSlots(
    @Ctx() ctx: RequestContext,
    @Arg('scheduleId', () => ID, { description: 'The schedule.' }) scheduleId: string,
    @Arg('from', () => DateScalar, { description: 'First local date (inclusive).' }) from: string,
    @Arg('to', () => DateScalar, { description: 'Last local date (inclusive).' }) to: string,
  ): Promise<Slot[]> {
    return this.scheduling.generateSlots(ctx, scheduleId, from, to);
  }

  @FieldResolver(() => Service, { description: 'The service it makes slots for.' })
  service(@Root() schedule: Schedule): Promise<Service> {
    return schedule.service.loadOrFail();
  }

  @FieldResolver(() => [TimeRangeType], {
    description: `For working hours: the stretches without slots, in order, at most ${MAX_BREAKS}; empty otherwise.`,
    complexity: listCost(0, MAX_BREAKS),
  })
  breaks(@Root() schedule: Schedule): TimeRangeType[] {
    return schedule.breaks ?? [];
  }

  @FieldResolver(() => [String], {
    description: "The wall times (HH:mm, in the service's zone) at which the slots of each of its days start.",
  })
  slotTimes(@Root() schedule: Schedule): string[] {
    return schedule.slotStarts().map(wallClock);
  }

  @FieldResolver(() => Money, { description: "Adult price of its slots; null: the service's.", nullable: true })
  async price(@Root() schedule: Schedule): Promise<Money | null> {
    if (schedule.priceAmount == null) return null;
    return Money.of(schedule.priceAmount, (await schedule.service.loadOrFail()).currency);
  }
}

@Resolver(() => Slot)
export class SlotResolver {
  constructor(
    private readonly scheduling: SchedulingService,
    private readonly catalog: CatalogService,
  ) {}

  @Query(() => [Slot], {
    description: SLOT_LIST,
    complexity: listCost(20, MAX_ROWS.slots),
  })
  async slots(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service whose slots are listed.' }) serviceId: string,
    @Arg('from', () => Date, { description: 'Start of the window (inclusive), an instant.' }) from: Date,
    @Arg('to', () => Date, {
      description: 'End of the window (exclusive); at most 42 days after `from` (BAD_USER_INPUT otherwise).',
    })
    to: Date,
  ): Promise<SlotRow[]> {
    return this.scheduling.listSlots(ctx, await this.catalog.getService(ctx, serviceId), from, to);
  }

  @Query(() => MonthAvailability, {
    description:
      "A month of a service's availability, one entry per local date of the service's time zone; public. The data behind a booking calendar.",
    complexity: AVAILABILITY_COST,
  })
  async availability(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service whose availability is computed.' }) serviceId: string,
    @Arg('month', () => String, {
      description: "The month as YYYY-MM, in the service's time zone (BAD_USER_INPUT otherwise).",
    })
    month: string,
  ): Promise<MonthAvailability> {
    return this.scheduling.monthAvailability(ctx, serviceId, month);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot, {
    description: 'Adds one slot by hand (its provider or an admin); a slot is unique per service and start.',
  })
  createSlot(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service.' }) serviceId: string,
    @Arg('startsAt', () => Date, { description: 'When it starts.' }) startsAt: Date,
    @Arg('endsAt', () => Date, { description: 'When it ends; after startsAt.' }) endsAt: Date,
    @Arg('capacity', () => Int, { description: "Seats; the service's capacity when omitted.", nullable: true })
    capacity?: number | null,
    @Arg('minCapacity', () => Int, {
      nullable: true,
      description:
        'Fewest people this departure needs (confirmed seats, at most its capacity); below it minCapacityHours before the start, it is cancelled and its bookings refunded in full. Give both or neither.',
    })
    minCapacity?: number | null,
    @Arg('minCapacityHours', () => Int, {
      nullable: true,
      description: 'Hours before the start (0 to 8760) when minCapacity is checked; that time must not have passed.',
    })
    minCapacityHours?: number | null,
  ): Promise<Slot> {
    return this.scheduling.createSlot(ctx, serviceId, startsAt, endsAt, { capacity, minCapacity, minCapacityHours });
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => [Slot], {
    description: `Closes (or reopens) every slot of a service starting in [from, to): at most 42 days holding at most ${MAX_ROWS.slots} slots (else BAD_USER_INPUT on \`to\`). Closing fails with HAS_BOOKINGS, changing nothing, if any has booked or held seats.`,
    complexity: listCost(20, MAX_ROWS.slots),
  })
  setAvailability(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service.' }) serviceId: string,
    @Arg('from', () => Date, { description: 'Start of the window (inclusive).' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the window (exclusive); at most 42 days after `from`.' }) to: Date,
    @Arg('open', () => Boolean, { description: 'false closes the slots, true reopens them.' }) open: boolean,
  ): Promise<Slot[]> {
    return this.scheduling.setAvailability(ctx, serviceId, from, to, open);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot, {
    description: 'Not below its booked and held seats (HAS_BOOKINGS); added seats go to the waitlist first.',
  })
  setSlotCapacity(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The slot.' }) id: string,
    @Arg('capacity', () => Int, { description: 'The new number of seats.' }) capacity: number,
  ): Promise<Slot> {
    return this.scheduling.setSlotCapacity(ctx, id, capacity);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot, {
    description:
      'Cancels one departure for good: the slot becomes CANCELLED with the reason, every booking on it is cancelled by the provider with a full refund and told why, and its waitlist entries end.',
  })
  cancelSlot(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The slot to cancel; it must not have started.' }) id: string,
    @Arg('reason', () => String, {
      description: 'Why, told to every customer booked on it (at most 2,000 characters).',
    })
    reason: string,
  ): Promise<Slot> {
    return this.scheduling.cancelSlot(ctx, id, reason);
  }

  // A slot is a loaded entity (answers of mutations, live changes) or a row the calendar read (slot-reads.ts).
  @FieldResolver(() => Service, { description: 'The service this slot belongs to.' })
  service(@Ctx() ctx: RequestContext, @Root() slot: Slot | SlotRow): Promise<Service> {
    // A reference load: the rows of one list share one batched read of their services (the ORM's dataloader).
    return (
      slot instanceof Slot ? slot.service : ctx.em.getReference(Service, slot.serviceId, { wrapped: true })
    ).loadOrFail();
  }

  @FieldResolver(() => Int, {
    description:
      "Seats that can be booked now: capacity - booked - held while OPEN, not under a blackout, not closed by a blocking calendar or by the provider's time taken by another appointment, and not started; otherwise 0.",
  })
  available(@Ctx() ctx: RequestContext, @Root() slot: Slot | SlotRow): number {
    return slot instanceof Slot ? slot.seatsAvailable(ctx.clock.now()) : slot.available;
  }

  @FieldResolver(() => Money, {
    description: "Price of one adult seat: the slot's own, else its schedule's, else the service's.",
  })
  price(@Root() slot: Slot | SlotRow): Money | Promise<Money> {
    // A row answers at once: a promise per row of a month's list would cost graphql-js a deferred object each.
    if (!(slot instanceof Slot)) return slot.price;
    return slot.service
      .loadOrFail()
      .then((service) => Money.of(slot.priceAmount ?? service.priceAmount, service.currency));
  }
}

/** The calendar fields of a service. */
@Resolver(() => Service)
export class ServiceCalendarResolver {
  constructor(private readonly scheduling: SchedulingService) {}

  @FieldResolver(() => [Slot], {
    description: SLOT_LIST,
    complexity: listCost(20, MAX_ROWS.slots),
  })
  slots(
    @Ctx() ctx: RequestContext,
    @Root() service: Service,
    @Arg('from', () => Date, { description: 'Start of the window (inclusive), an instant.' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the window (exclusive); at most 42 days after `from`.' }) to: Date,
  ): Promise<SlotRow[]> {
    return this.scheduling.listSlots(ctx, service, from, to);
  }

  @FieldResolver(() => MonthAvailability, {
    description: "A month of this service's availability, one entry per local date; see Query.availability.",
    complexity: AVAILABILITY_COST,
  })
  availability(
    @Ctx() ctx: RequestContext,
    @Root() service: Service,
    @Arg('month', () => String, { description: "The month as YYYY-MM, in the service's time zone." }) month: string,
  ): Promise<MonthAvailability> {
    return this.scheduling.monthAvailability(ctx, service, month);
  }
}

@Resolver(() => Blackout)
export class BlackoutResolver {
  constructor(private readonly blackoutService: BlackoutService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [Blackout], {
    description: `Blackouts touching [from, to], by first date, active or not: of one service (with its provider's whole-provider ones and the global ones), else all of the caller's and the global ones (an admin's: all); at most ${MAX_ROWS.blackouts}.`,
    complexity: listCost(5, MAX_ROWS.blackouts),
  })
  blackouts(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, {
      nullable: true,
      description: "Only this service's blackouts and its provider's whole-provider ones.",
    })
    serviceId?: string | null,
    @Arg('from', () => DateScalar, { nullable: true, description: 'Only blackouts ending on or after this date.' })
    from?: string | null,
    @Arg('to', () => DateScalar, { nullable: true, description: 'Only blackouts starting on or before this date.' })
    to?: string | null,
  ): Promise<Blackout[]> {
    return this.blackoutService.list(ctx, { serviceId, from, to });
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Blackout, {
    description:
      "Blocks local dates (whole, or a time of each with allDay false) of one service, of all of a provider's services, or (admins, global) of every service: no slots are generated there and existing ones are unavailable (bookings stay).",
  })
  createBlackout(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => BlackoutInput, { description: 'The dates and what they are.' }) input: BlackoutInput,
  ): Promise<Blackout> {
    return this.blackoutService.createBlackout(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Blackout, {
    description:
      'Turns a blackout on (its slots close) or off (they become bookable again, freed seats offered to the waitlist first); its provider or an admin, a global one admins only.',
  })
  setBlackoutActive(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The blackout.' }) id: string,
    @Arg('active', () => Boolean, { description: 'true: it blocks; false: it blocks nothing.' }) active: boolean,
  ): Promise<Blackout> {
    return this.blackoutService.setActive(ctx, id, active);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Boolean, {
    description:
      'Removes a blackout; its dates become bookable again. True when done. Its provider or an admin; a global one admins only.',
  })
  deleteBlackout(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The blackout.' }) id: string,
  ): Promise<boolean> {
    return this.blackoutService.deleteBlackout(ctx, id);
  }

  @FieldResolver(() => Service, {
    description: 'The service covered; null: every service of the provider (or, global, of every provider).',
    nullable: true,
  })
  service(@Root() blackout: Blackout): Promise<Service | null> | null {
    return blackout.service ? blackout.service.load() : null;
  }

  @FieldResolver(() => Boolean, { description: "true: an admin's blackout of every service of every provider." })
  global(@Root() blackout: Blackout): boolean {
    return !blackout.provider;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "A part-day blackout's start on each date, HH:mm in each covered service's zone; null when allDay.",
  })
  startTime(@Root() blackout: Blackout): string | null {
    return blackout.startTime?.slice(0, 5) ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "A part-day blackout's end on each date, HH:mm (24:00: midnight); null when allDay.",
  })
  endTime(@Root() blackout: Blackout): string | null {
    return blackout.endTime?.slice(0, 5) ?? null;
  }
}
