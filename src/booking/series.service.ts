import { DateTime } from 'luxon';
import { requireActor } from '../accounts/ownership';
import { BookingMode, type MeetingProvider } from '../catalog/service.enums';
import { inTransaction, trySavepoint, type RequestContext, type TxContext } from '../core/context';
import { BadInput, DomainError, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { run } from '../core/sql';
import { intInRange, optionalText } from '../core/validate';
import { Slot } from '../scheduling/slot.entity';
import { assertParticipant } from './booking-access';
import type { BookingLifecycle } from './booking-lifecycle';
import { lockBookingWhere } from './booking-locks';
import { isPaid, meetingProviderOf, type BookingPlan } from './booking-plan';
import { MAX_NOTE_LENGTH, checkSlots, parseParty, slotClosure } from './booking-rules';
import { Booking } from './booking.entity';
import { bookableService, type BookingService } from './booking.service';
import { bookingSlots } from './booking-reads.sql';
import type { BookableService, BookableSlot } from './bookable';
import { placeBooking } from './place-booking';
import type { PartySize } from './pricing';
import { newReference } from './reference';
import { BookingSeries, MAX_INTERVAL_WEEKS, MAX_OCCURRENCES } from './series.entity';
import type { BookSeriesInput, BookSeriesResult, SkippedOccurrence } from './series.inputs';
import { liveOccurrencesFrom } from './series.sql';
import { nextBookingIds } from './booking-reads.sql';

/** One occurrence of a series: its place (1 for the first), its start, and its slot when the service has one then. */
interface Occurrence {
  occurrence: number;
  startsAt: Date;
  slot: BookableSlot | null;
}

/** A refusal of one occurrence, saying which: the same code and details, the occurrence and its start added. */
function ofOccurrence({ occurrence, startsAt }: Occurrence, refusal: DomainError): DomainError {
  return new DomainError(refusal.code, `Occurrence ${occurrence} (${startsAt.toISOString()}): ${refusal.message}`, {
    ...refusal.details,
    occurrence,
    startsAt: startsAt.toISOString(),
  });
}

function skippedOf(occurrence: Occurrence, refusal: DomainError): SkippedOccurrence {
  return {
    occurrence: occurrence.occurrence,
    startsAt: occurrence.startsAt,
    slotId: occurrence.slot ? String(occurrence.slot.id) : null,
    code: refusal.code,
    reason: refusal.message,
  };
}

/** What a series asks for, checked, with its first slot and that slot's service. */
interface SeriesRequest {
  customerId: number;
  first: BookableSlot;
  service: BookableService;
  count: number;
  intervalWeeks: number;
  party: PartySize;
  notes: string | null;
  meetingProvider: MeetingProvider;
  skipUnavailable: boolean;
}

/** An occurrence that can be booked, with its plan. */
interface Planned {
  occurrence: Occurrence;
  plan: BookingPlan;
}

/** Reads and checks what a series asks for, as `book` checks a single booking. */
async function seriesRequest(ctx: RequestContext, input: BookSeriesInput): Promise<SeriesRequest> {
  const customerId = requireActor(ctx).userId;
  const firstId = parseId('slotId', input.slotId);
  const count = intInRange('occurrences', input.occurrences, 2, MAX_OCCURRENCES);
  const intervalWeeks = intInRange('intervalWeeks', input.intervalWeeks ?? 1, 1, MAX_INTERVAL_WEEKS);
  const notes = optionalText('notes', input.notes, MAX_NOTE_LENGTH);
  const skipUnavailable = input.skipUnavailable ?? false;
  const read = await bookingSlots(ctx, [firstId], false);
  const service = bookableService(read.service, firstId, customerId, BookingMode.INSTANT);
  const party = parseParty(input.party, service);
  const meetingProvider = meetingProviderOf(service, input.meetingProvider);
  return {
    customerId,
    first: read.slots[0],
    service,
    count,
    intervalWeeks,
    party,
    notes,
    meetingProvider,
    skipUnavailable,
  };
}

/** The series' occurrences: the same wall time in the service's zone every intervalWeeks weeks, across DST changes. */
async function occurrencesOf(ctx: RequestContext, request: SeriesRequest, now: Date): Promise<Occurrence[]> {
  const { first, service, intervalWeeks } = request;
  const start = DateTime.fromJSDate(first.startsAt, { zone: service.timezone });
  const times = Array.from({ length: request.count }, (_, i) => start.plus({ weeks: i * intervalWeeks }).toJSDate());
  const found = await ctx.em.find(
    Slot,
    { service: service.id, startsAt: { $in: times.slice(1) } },
    { orderBy: { id: 'asc' } },
  );
  return times.map((startsAt, i) => {
    // Of several slots starting then (two schedules), the first bookable one.
    const then = i === 0 ? [first] : found.filter((slot) => slot.startsAt.getTime() === startsAt.getTime());
    const slot = then.find((one) => !slotClosure(one, service, now)) ?? then[0] ?? null;
    return { occurrence: i + 1, startsAt, slot };
  });
}

/** The refusals of a series' occurrences; the first is the answer when none can be booked. */
class Refusals {
  first: DomainError | undefined;

  constructor(readonly skipUnavailable: boolean) {}

  /**
   * Takes an occurrence's refusal: without skipUnavailable it ends the series, else the occurrence is
   * skipped, noted in `skipped`. Any other error ends the series as it is.
   */
  take(occurrence: Occurrence, error: unknown, skipped: SkippedOccurrence[]): void {
    if (!(error instanceof DomainError)) throw error;
    this.first ??= ofOccurrence(occurrence, error);
    if (!this.skipUnavailable) throw this.first;
    skipped.push(skippedOf(occurrence, error));
  }
}

/**
 * Recurring bookings (docs/recurring-bookings.md): a series books the same local time every N weeks, each
 * occurrence an ordinary booking (its own seats, terms, emails, invite and meeting) tied to the series, all
 * in one transaction: every occurrence or none, or, when asked, the ones that fit, each in a savepoint.
 * Cancelling from one occurrence on cancels each later one by the rules of cancelBooking.
 */
export class SeriesService {
  constructor(
    private readonly bookings: BookingService,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  async book(ctx: RequestContext, input: BookSeriesInput): Promise<BookSeriesResult> {
    const request = await seriesRequest(ctx, input);
    const now = ctx.clock.now();
    const refusals = new Refusals(request.skipUnavailable);
    const skipped: SkippedOccurrence[] = [];
    const planned = this.plan(ctx, request, await occurrencesOf(ctx, request, now), now, refusals, skipped);
    if (planned.length === 0) throw refusals.first!;
    const ids = await run(ctx.em, nextBookingIds(planned.length));
    return inTransaction(ctx, async (tx) => {
      const series = tx.em.create(BookingSeries, {
        customerId: request.customerId,
        serviceId: request.service.id,
        intervalWeeks: request.intervalWeeks,
        occurrences: request.count,
        createdAt: tx.clock.now(),
      });
      await tx.em.flush();
      const lost: SkippedOccurrence[] = [];
      const booked = await this.place(tx, series, planned, ids, refusals, lost);
      if (booked.length === 0) throw refusals.first!;
      return {
        series,
        bookings: booked.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
        skipped: [...skipped, ...lost].sort((a, b) => a.occurrence - b.occurrence),
      };
    });
  }

  /** The plan of each occurrence that can be booked now; the others go to `refusals`. */
  private plan(
    ctx: RequestContext,
    request: SeriesRequest,
    occurrences: Occurrence[],
    now: Date,
    refusals: Refusals,
    skipped: SkippedOccurrence[],
  ): Planned[] {
    const { service, customerId, notes, meetingProvider } = request;
    const planned: Planned[] = [];
    for (const occurrence of occurrences) {
      let plan: BookingPlan;
      try {
        const { slot } = occurrence;
        if (!slot) throw new DomainError('SLOT_UNAVAILABLE', 'the service has no slot starting then');
        checkSlots([slot.id], [slot], service, now);
        plan = this.bookings.planFor(ctx, service, customerId, [slot], request.party);
      } catch (error) {
        refusals.take(occurrence, error, skipped);
        continue;
      }
      if (isPaid(plan))
        throw new BadInput(
          'slotId',
          'this service is paid by card: a series books services not paid by card; book each occurrence with `book`',
        );
      planned.push({ occurrence, plan: { ...plan, notes, meetingProvider } });
    }
    return planned;
  }

  /**
   * Books the planned occurrences into the series, taking seats in slot-id order, the order every use case
   * locks slots in. With skipUnavailable, one taken meanwhile alone is undone and noted in `lost`.
   */
  private async place(
    tx: TxContext,
    series: BookingSeries,
    planned: Planned[],
    ids: { id: number }[],
    refusals: Refusals,
    lost: SkippedOccurrence[],
  ): Promise<Booking[]> {
    const booked: Booking[] = [];
    const inLockOrder = [...planned].sort((a, b) => a.plan.slots[0].id - b.plan.slots[0].id);
    for (const [n, { occurrence, plan }] of inLockOrder.entries()) {
      const placement = {
        id: ids[n].id,
        reference: newReference(tx.clock.now()),
        plan: { ...plan, seriesId: series.id },
        intent: null,
        holdMinutes: 0,
      };
      const placed = async (inner: TxContext) =>
        void booked.push((await placeBooking(inner, this.lifecycle, placement)).entity());
      if (refusals.skipUnavailable)
        await trySavepoint(tx, placed, (refusal) => refusals.take(occurrence, refusal, lost));
      else await placed(tx).catch((error: unknown) => refusals.take(occurrence, error, lost));
    }
    return booked;
  }

  /**
   * Cancels the occurrence `bookingId` and every later one of its series still live (CONFIRMED or
   * PENDING_PAYMENT), each as cancelBooking would (who may, until when, and its refund), in one
   * transaction: all of them or, on a refusal, none.
   */
  async cancelFrom(ctx: RequestContext, bookingId: string, reasonInput?: string | null): Promise<Booking[]> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    const id = parseId('bookingId', bookingId);
    return inTransaction(ctx, async (tx) => {
      const anchor = await tx.em.findOne(Booking, { id });
      if (!anchor) throw new NotFound('Booking', bookingId);
      await assertParticipant(tx, anchor);
      if (!anchor.seriesId) throw new BadInput('bookingId', 'this booking is not part of a series: use cancelBooking');
      const rows = await run(tx.em, liveOccurrencesFrom(anchor.seriesId, anchor.startsAt));
      if (rows.length === 0)
        throw new DomainError('INVALID_TRANSITION', 'No occurrence from this one on is left to cancel');
      const cancelled: Booking[] = [];
      for (const row of rows) {
        // Locked one at a time in id order, as every use case locks bookings.
        const booking = (await lockBookingWhere(tx, { id: row.id }))!;
        await this.bookings.cancelByActor(tx, booking, reason);
        cancelled.push(booking);
      }
      return cancelled.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    });
  }

  /** The bookings of a series, by start. */
  occurrencesOf(ctx: RequestContext, series: BookingSeries): Promise<Booking[]> {
    return ctx.em.find(Booking, { seriesId: series.id }, { orderBy: { startsAt: 'asc' }, limit: MAX_OCCURRENCES });
  }
}
