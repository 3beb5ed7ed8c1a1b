import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { RequestContext, TxContext } from '../core/context';
import { inTransaction } from '../core/context';
import { BadInput } from '../core/errors';
import { requeuedIfEarly } from '../core/jobs';
import { intInRange } from '../core/validate';
import { jobs } from '../jobs';
import type { Schedule } from './schedule.entity';
import { SlotStatus } from './scheduling.enums';
import type { ScheduleInput } from './scheduling.inputs';
import type { SchedulingService } from './scheduling.service';
import { Slot } from './slot.entity';
import type { SlotRow } from './slot-reads';

const MAX_HOURS = 8_760;

/** A schedule's minimum from its input: both fields or neither, the minimum at most the capacity. */
export function minimumOf(
  input: Pick<ScheduleInput, 'minCapacity' | 'minCapacityHours'>,
  capacity: number,
): { minCapacity: number | null; minCapacityHours: number | null } {
  if (input.minCapacity == null && input.minCapacityHours == null) return { minCapacity: null, minCapacityHours: null };
  if (input.minCapacity == null) throw new BadInput('minCapacity', 'is required with minCapacityHours');
  if (input.minCapacityHours == null) throw new BadInput('minCapacityHours', 'is required with minCapacity');
  return {
    minCapacity: intInRange('minCapacity', input.minCapacity, 1, capacity),
    minCapacityHours: intInRange('minCapacityHours', input.minCapacityHours, 0, MAX_HOURS),
  };
}

/** What a slot starting at `startsAt` carries of a minimum (its schedule's, or its own): the number and the deadline. */
export function slotMinimum(
  minimum: Pick<Schedule, 'minCapacity' | 'minCapacityHours'>,
  startsAt: Date,
): { minCapacity: number | null; minDeadline: Date | null } {
  if (minimum.minCapacity == null || minimum.minCapacityHours == null) return { minCapacity: null, minDeadline: null };
  return {
    minCapacity: minimum.minCapacity,
    minDeadline: new Date(startsAt.getTime() - minimum.minCapacityHours * 3_600_000),
  };
}

/** Queues the check of a departure's minimum at its deadline (none without a minimum). */
export function checkMinimumAt(tx: TxContext, slotId: number, minDeadline: Date | null | undefined): void {
  if (minDeadline) tx.effects.addJob(jobs.minimumCapacity(slotId, minDeadline));
}

/** Whether a slot's minimum is already past its deadline: checked now, it would cancel the departure at once. */
export function deadlinePassed(minimum: { minDeadline: Date | null }, now: Date): boolean {
  return minimum.minDeadline !== null && minimum.minDeadline <= now;
}

@ObjectType('SlotMinimum', {
  description:
    'The fewest people a departure needs by a deadline; below it then, it is cancelled and every booking refunded in full.',
})
export class SlotMinimum {
  @Field(() => Int, { description: 'Fewest confirmed seats needed.' }) people!: number;
  @Field(() => Date, { description: 'When it is checked.' }) deadline!: Date;
  @Field({ description: 'Whether the confirmed seats (booked) reach it now.' }) reached!: boolean;
}

/**
 * Cancels, at its deadline, a departure whose confirmed seats have not reached its minimum: the slot is
 * CANCELLED and every booking on it cancelled by the provider, refunded in full and mailed the reason
 * (SchedulingService.cancelDeparture). A departure that reached it stays, whatever happens later.
 */
export class MinimumCapacity {
  constructor(private readonly scheduling: SchedulingService) {}

  async check(ctx: RequestContext, slotId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const slot = await tx.em.findOne(Slot, slotId, { populate: ['service'] });
      if (!slot?.minCapacity || !slot.minDeadline || slot.status !== SlotStatus.OPEN) return;
      if (requeuedIfEarly(tx, jobs.minimumCapacity(slot.id, slot.minDeadline))) return;
      const min = slot.minCapacity;
      const reason = `This departure needed at least ${min} people by ${slot.minDeadline.toISOString()} and did not reach them: it is cancelled and every booking refunded in full.`;
      await this.scheduling.cancelDeparture(
        tx,
        slot,
        reason,
        (locked) => locked.status === SlotStatus.OPEN && locked.booked < min && locked.startsAt > tx.clock.now(),
      );
    });
  }
}

@Resolver(() => Slot)
export class SlotMinimumResolver {
  @FieldResolver(() => SlotMinimum, {
    nullable: true,
    description: 'The fewest people this departure needs by a deadline, and whether it has them; null: no minimum.',
  })
  async minimum(@Root() slot: Slot | SlotRow, @Ctx() ctx: RequestContext): Promise<SlotMinimum | null> {
    // A calendar row is not an entity: its minimum comes from one batched read of the slots of the answer.
    const entity =
      slot instanceof Slot ? slot : await ctx.em.getReference(Slot, slot.id, { wrapped: true }).loadOrFail();
    if (entity.minCapacity == null || !entity.minDeadline) return null;
    return Object.assign(new SlotMinimum(), {
      people: entity.minCapacity,
      deadline: entity.minDeadline,
      reached: slot.booked >= entity.minCapacity,
    });
  }
}
