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
import type { SlotRow } from './slot-reads';
import { AVAILABILITY_COST, listCost } from '../core/limits';

@Resolver(() => Schedule)
export class ScheduleResolver {
  constructor(private readonly scheduling: SchedulingService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Schedule)
  createSchedule(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('input', () => ScheduleInput) input: ScheduleInput,
  ): Promise<Schedule> {
    return this.scheduling.createSchedule(ctx, serviceId, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => [Slot], { complexity: listCost(20) })
  generateSlots(
    @Ctx() ctx: RequestContext,
    @Arg('scheduleId', () => ID) scheduleId: string,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
  ): Promise<Slot[]> {
    return this.scheduling.generateSlots(ctx, scheduleId, from, to);
  }

  @FieldResolver(() => Service)
  service(@Root() schedule: Schedule): Promise<Service> {
    return schedule.service.loadOrFail();
  }

  @FieldResolver(() => Money, { nullable: true })
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
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
  ): Promise<SlotRow[]> {
    return this.scheduling.listSlots(ctx, await this.catalog.getService(ctx, serviceId), from, to);
  }

  @Query(() => MonthAvailability, { complexity: AVAILABILITY_COST })
  async availability(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('month', () => String) month: string,
  ): Promise<MonthAvailability> {
    return this.scheduling.monthAvailability(ctx, await this.catalog.getService(ctx, serviceId), month);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot)
  createSlot(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('startsAt', () => Date) startsAt: Date,
    @Arg('endsAt', () => Date) endsAt: Date,
    @Arg('capacity', () => Int, { nullable: true }) capacity?: number | null,
  ): Promise<Slot> {
    return this.scheduling.createSlot(ctx, serviceId, startsAt, endsAt, capacity);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => [Slot], { complexity: listCost(20) })
  setAvailability(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('open', () => Boolean) open: boolean,
  ): Promise<Slot[]> {
    return this.scheduling.setAvailability(ctx, serviceId, from, to, open);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Slot, { description: 'Not below its booked and held seats (HAS_BOOKINGS); added seats go to the waitlist first.' })
  setSlotCapacity(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('capacity', () => Int) capacity: number): Promise<Slot> {
    return this.scheduling.setSlotCapacity(ctx, id, capacity);
  }

  // A slot is a loaded entity (answers of mutations, live changes) or a row the calendar read (slot-reads.ts).
  @FieldResolver(() => Service)
  service(@Ctx() ctx: RequestContext, @Root() slot: Slot | SlotRow): Promise<Service> {
    return slot instanceof Slot ? slot.service.loadOrFail() : ctx.em.findOneOrFail(Service, slot.serviceId);
  }

  @FieldResolver(() => Int)
  available(@Ctx() ctx: RequestContext, @Root() slot: Slot | SlotRow): number {
    return slot instanceof Slot ? slot.seatsAvailable(ctx.clock.now()) : slot.available;
  }

  @FieldResolver(() => Money)
  async price(@Root() slot: Slot | SlotRow): Promise<Money> {
    if (!(slot instanceof Slot)) return slot.price;
    const service = await slot.service.loadOrFail();
    return Money.of(slot.priceAmount ?? service.priceAmount, service.currency);
  }
}

/** The calendar fields of a service. */
@Resolver(() => Service)
export class ServiceCalendarResolver {
  constructor(private readonly scheduling: SchedulingService) {}

  @FieldResolver(() => [Slot], { description: 'Slots starting in [from, to), every status; at most 366 days.', complexity: listCost(20) })
  slots(@Ctx() ctx: RequestContext, @Root() service: Service, @Arg('from', () => Date) from: Date, @Arg('to', () => Date) to: Date): Promise<SlotRow[]> {
    return this.scheduling.listSlots(ctx, service, from, to);
  }

  @FieldResolver(() => MonthAvailability, { complexity: AVAILABILITY_COST })
  availability(@Ctx() ctx: RequestContext, @Root() service: Service, @Arg('month', () => String) month: string): Promise<MonthAvailability> {
    return this.scheduling.monthAvailability(ctx, service, month);
  }
}

@Resolver(() => Blackout)
export class BlackoutResolver {
  constructor(private readonly blackouts: BlackoutService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Blackout)
  createBlackout(@Ctx() ctx: RequestContext, @Arg('input', () => BlackoutInput) input: BlackoutInput): Promise<Blackout> {
    return this.blackouts.createBlackout(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Boolean)
  deleteBlackout(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return this.blackouts.deleteBlackout(ctx, id);
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() blackout: Blackout): Promise<Service | null> | null {
    return blackout.service ? blackout.service.load() : null;
  }
}
