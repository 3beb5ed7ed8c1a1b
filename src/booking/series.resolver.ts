import type { ComplexityEstimator } from 'graphql-query-complexity';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../core/context';
import { listCost } from '../graphql/limits';
import { Booking } from './booking.entity';
import { BookingSeries, MAX_OCCURRENCES } from './series.entity';
import { BookSeriesInput, BookSeriesResult } from './series.inputs';
import type { SeriesService } from './series.service';

/** A series writes a booking per occurrence: priced at 10 per occurrence asked (a value out of range is refused, so priced at the most), plus its answer. */
const SERIES_COST: ComplexityEstimator = ({ args, childComplexity }) => {
  const asked = (args.input as { occurrences?: unknown } | undefined)?.occurrences;
  const occurrences = typeof asked === 'number' && asked >= 2 && asked <= MAX_OCCURRENCES ? asked : MAX_OCCURRENCES;
  return 10 * occurrences + childComplexity;
};

/** Recurring bookings: bookSeries, cancelling a series from one occurrence on, and a booking's series. */
@Resolver(() => BookingSeries)
export class SeriesResolver {
  constructor(private readonly series: SeriesService) {}

  @Authorized()
  @Mutation(() => BookSeriesResult, {
    description: `Books the same time every intervalWeeks weeks, occurrences times (at most ${MAX_OCCURRENCES}), for a party, on an INSTANT service not paid by card: each occurrence an ordinary CONFIRMED booking tied to the series. All or nothing by default (the first refusal answers, with extensions.occurrence and startsAt: SLOT_UNAVAILABLE, CAPACITY_EXCEEDED, ...); with skipUnavailable, the ones that fit, the others in skipped. A card-paid service: BAD_USER_INPUT (slotId).`,
    complexity: SERIES_COST,
  })
  bookSeries(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => BookSeriesInput, { description: 'The first slot, the rule and the party.' })
    input: BookSeriesInput,
  ): Promise<BookSeriesResult> {
    return this.series.book(ctx, input);
  }

  @Authorized()
  @Mutation(() => [Booking], {
    description: `Cancels an occurrence of a series and every later one still CONFIRMED or PENDING_PAYMENT, each as cancelBooking does (who may, until when, what is refunded), all or none; answers those cancelled, by start (at most ${MAX_OCCURRENCES}).`,
    complexity: listCost(10 * MAX_OCCURRENCES, MAX_OCCURRENCES),
  })
  cancelBookingSeries(
    @Ctx() ctx: RequestContext,
    @Arg('bookingId', () => ID, { description: 'The first occurrence to cancel.' }) bookingId: string,
    @Arg('reason', () => String, {
      description: 'Why, told to the other side and kept in each booking history.',
      nullable: true,
    })
    reason?: string | null,
  ): Promise<Booking[]> {
    return this.series.cancelFrom(ctx, bookingId, reason);
  }

  @FieldResolver(() => [Booking], {
    description: `Its bookings, by start, whatever their status (cancelled ones too); at most ${MAX_OCCURRENCES}.`,
    complexity: listCost(1, MAX_OCCURRENCES),
  })
  bookings(@Ctx() ctx: RequestContext, @Root() series: BookingSeries): Promise<Booking[]> {
    return this.series.occurrencesOf(ctx, series);
  }
}

/** The series of a booking. */
@Resolver(() => Booking)
export class BookingSeriesResolver {
  @FieldResolver(() => BookingSeries, {
    nullable: true,
    description: 'The series it is an occurrence of (bookSeries); null for a booking made alone.',
  })
  series(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<BookingSeries | null> | null {
    return booking.seriesId ? ctx.em.findOne(BookingSeries, booking.seriesId) : null;
  }
}
