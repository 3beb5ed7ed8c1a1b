import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import type { CatalogService } from '../catalog/catalog.service';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { Money } from '../core/money.type';
import { DateScalar } from '../core/scalars';
import { Blackout } from './blackout.entity';
import type { BlackoutService } from './blackout.service';
import { BlackoutInput, MonthAvailability, ScheduleInput } from './scheduling.inputs';
import type { SchedulingService } from './scheduling.service';
import { Schedule } from './schedule.entity';
import { Slot } from './slot.entity';
import { AVAILABILITY_COST, listCost } from '../core/limits';

@Resolver(() => Schedule)
export class ScheduleResolver {
  constructor(private readonly scheduling: SchedulingService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Schedule, { description: 'Adds a recurrence to a service (its provider or an admin); `generateSlots` then makes its slots.' })
  createSchedule(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service.' }) serviceId: string,
    @Arg('input', () => ScheduleInput, { description: 'The recurrence, times, capacity and price.' }) input: ScheduleInput,
  ): Promise<Schedule> {
    return this.scheduling.createSchedule(ctx, serviceId, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => [Slot], { description: "Makes one slot per occurrence of the schedule whose local date lies in [from, to] and in the schedule's validity, skipping blackouts; idempotent (existing slots stay). Answers the slots of the range.", complexity: listCost(20) })
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

  @Query(() => [Slot], { description: 'Slots starting in [from, to), every status; at most 366 days.', complexity: listCost(20) })
  async slots(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service whose slots are listed.' }) serviceId: string,
    @Arg('from', () => Date, { description: 'Start of the window (inclusive), an instant.' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the window (exclusive); at most 366 days after `from` (BAD_USER_INPUT otherwise).' }) to: Date,
  ): Promise<Slot[]> {
    return this.scheduling.listSlots(ctx, await this.catalog.getService(ctx, serviceId), from, to);
  }

  @Query(() => MonthAvailability, { description: "A month of a service's availability, one entry per local date of the service's time zone; public. The data behind a booking calendar.", complexity: AVAILABILITY_COST })
  async availability(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service whose availability is computed.' }) serviceId: string,
    @Arg('month', () => String, { description: "The month as YYYY-MM, in the service's time zone (BAD_USER_INPUT otherwise)." }) month: string,
  ): Promise<MonthAvailability> {
    return this.scheduling.monthAvailability(ctx, await this.catalog.getService(ctx, serviceId), month);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot, { description: 'Adds one slot by hand (its provider or an admin); a slot is unique per service and start.' })
  createSlot(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service.' }) serviceId: string,
    @Arg('startsAt', () => Date, { description: 'When it starts.' }) startsAt: Date,
    @Arg('endsAt', () => Date, { description: 'When it ends; after startsAt.' }) endsAt: Date,
    @Arg('capacity', () => Int, { description: "Seats; the service's capacity when omitted.", nullable: true }) capacity?: number | null,
  ): Promise<Slot> {
    return this.scheduling.createSlot(ctx, serviceId, startsAt, endsAt, capacity);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => [Slot], { description: 'Closes (or reopens) every slot of a service starting in [from, to). Closing fails with HAS_BOOKINGS, changing nothing, if any has booked or held seats.', complexity: listCost(20) })
  setAvailability(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'The service.' }) serviceId: string,
    @Arg('from', () => Date, { description: 'Start of the window (inclusive).' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the window (exclusive).' }) to: Date,
    @Arg('open', () => Boolean, { description: 'false closes the slots, true reopens them.' }) open: boolean,
  ): Promise<Slot[]> {
    return this.scheduling.setAvailability(ctx, serviceId, from, to, open);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot, { description: 'Not below its booked and held seats (HAS_BOOKINGS); added seats go to the waitlist first.' })
  setSlotCapacity(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The slot.' }) id: string, @Arg('capacity', () => Int, { description: 'The new number of seats.' }) capacity: number): Promise<Slot> {
    return this.scheduling.setSlotCapacity(ctx, id, capacity);
  }

  @FieldResolver(() => Service, { description: 'The service this slot belongs to.' })
  service(@Root() slot: Slot): Promise<Service> {
    return slot.service.loadOrFail();
  }

  @FieldResolver(() => Int, { description: 'Seats that can be booked now: capacity - booked - held while OPEN, not under a blackout or closed by a calendar, and not started; otherwise 0.' })
  available(@Ctx() ctx: RequestContext, @Root() slot: Slot): number {
    return slot.seatsAvailable(ctx.clock.now());
  }

  @FieldResolver(() => Money, { description: "Price of one adult seat: the slot's own, else its schedule's, else the service's." })
  async price(@Root() slot: Slot): Promise<Money> {
    const service = await slot.service.loadOrFail();
    return Money.of(slot.priceAmount ?? service.priceAmount, service.currency);
  }
}

/** The calendar fields of a service. */
@Resolver(() => Service)
export class ServiceCalendarResolver {
  constructor(private readonly scheduling: SchedulingService) {}

  @FieldResolver(() => [Slot], { description: 'Slots starting in [from, to), every status; at most 366 days.', complexity: listCost(20) })
  slots(@Ctx() ctx: RequestContext, @Root() service: Service, @Arg('from', () => Date, { description: 'Start of the window (inclusive), an instant.' }) from: Date, @Arg('to', () => Date, { description: 'End of the window (exclusive); at most 366 days after `from`.' }) to: Date): Promise<Slot[]> {
    return this.scheduling.listSlots(ctx, service, from, to);
  }

  @FieldResolver(() => MonthAvailability, { description: "A month of this service's availability, one entry per local date; see Query.availability.", complexity: AVAILABILITY_COST })
  availability(@Ctx() ctx: RequestContext, @Root() service: Service, @Arg('month', () => String, { description: "The month as YYYY-MM, in the service's time zone." }) month: string): Promise<MonthAvailability> {
    return this.scheduling.monthAvailability(ctx, service, month);
  }
}

@Resolver(() => Blackout)
export class BlackoutResolver {
  constructor(private readonly blackouts: BlackoutService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Blackout, { description: "Blocks whole local dates of one service, or of all the provider's services: no slots are generated there and existing ones are unavailable (bookings stay)." })
  createBlackout(@Ctx() ctx: RequestContext, @Arg('input', () => BlackoutInput, { description: 'The dates and what they are.' }) input: BlackoutInput): Promise<Blackout> {
    return this.blackouts.createBlackout(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Removes a blackout; its dates become bookable again. True when done.' })
  deleteBlackout(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The blackout.' }) id: string): Promise<boolean> {
    return this.blackouts.deleteBlackout(ctx, id);
  }

  @FieldResolver(() => Service, { description: 'The service covered; null: every service of the provider.', nullable: true })
  service(@Root() blackout: Blackout): Promise<Service | null> | null {
    return blackout.service ? blackout.service.load() : null;
  }
}
