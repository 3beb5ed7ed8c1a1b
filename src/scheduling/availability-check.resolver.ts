import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { PartyInput } from '../booking/booking.inputs';
import type { RequestContext } from '../core/context';
import { listCost } from '../graphql/limits';
import { MAX_ALTERNATIVES, type AvailabilityCheckService } from './availability-check.service';
import { AvailabilityCheck, AvailabilityCheckInput, MAX_CHECK_DAYS, SlotCheck } from './availability-check.types';
import { Slot } from './slot.entity';

const FIRST = {
  nullable: true,
  defaultValue: 3,
  description: `How many, 1 to ${MAX_ALTERNATIVES} (BAD_USER_INPUT otherwise); 3 by default.`,
} as const;

@Resolver(() => SlotCheck)
export class AvailabilityCheckResolver {
  constructor(private readonly checks: AvailabilityCheckService) {}

  @Query(() => AvailabilityCheck, {
    description: `Public: a service's slots over 1 to ${MAX_CHECK_DAYS} dates of any time zone, date by date, for a party: whether it fits, why not, whether the waitlist takes it, the dates blackouts cover and the counts. For one date and a party, give that date as from and to.`,
    // Read in two statements whatever is selected; its rows are priced in days and slots (types).
    complexity: ({ childComplexity }) => 100 + childComplexity,
  })
  checkAvailability(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => AvailabilityCheckInput, { description: 'The service, the dates, the time zone, the party.' })
    input: AvailabilityCheckInput,
  ): Promise<AvailabilityCheck> {
    return this.checks.check(ctx, input);
  }

  @Query(() => [Slot], {
    description:
      "Public: the nearest other slots of a slot's service, before or after it, that the party can book now (e.g. when the slot is full), nearest first; at most `first`.",
    complexity: listCost(5, MAX_ALTERNATIVES),
  })
  slotAlternatives(
    @Ctx() ctx: RequestContext,
    @Arg('slotId', () => ID, { description: 'The slot wanted.' }) slotId: string,
    @Arg('party', () => PartyInput, { description: "Who would come; must fit the service's party limits." })
    party: PartyInput,
    @Arg('first', () => Int, FIRST) first: number,
  ): Promise<Slot[]> {
    return this.checks.alternativesTo(ctx, slotId, party, first);
  }

  @FieldResolver(() => [Slot], {
    description:
      'When the party cannot book this slot (FULL, or closed...): the nearest other slots of the service it can book now, nearest first, at most `first`; empty when it fits here or the party is outside the service’s limits.',
    complexity: listCost(5, MAX_ALTERNATIVES),
  })
  alternatives(
    @Ctx() ctx: RequestContext,
    @Root() check: SlotCheck,
    @Arg('first', () => Int, FIRST) first: number,
  ): Promise<Slot[]> | Slot[] {
    return check.seeksAlternatives ? this.checks.alternatives(ctx, check.slot, check.seats, first) : [];
  }
}
