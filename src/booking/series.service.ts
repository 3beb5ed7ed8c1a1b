import { DateTime } from 'luxon';
import { requireActor } from '../accounts/ownership';
import { BookingMode } from '../catalog/service.enums';
import { inTransaction, trySavepoint, type RequestContext } from '../core/context';
import { BadInput, DomainError, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { intInRange, optionalText } from '../core/validate';
import { Slot } from '../scheduling/slot.entity';
import { assertParticipant } from './booking-access';
import type { BookingLifecycle } from './booking-lifecycle';
import { lockBookingWhere } from './booking-locks';
import { isPaid, meetingProviderOf, type BookingPlan } from './booking-plan';
import { MAX_NOTE_LENGTH, checkSlots, parseParty, slotClosure } from './booking-rules';
import { Booking } from './booking.entity';
import { bookableService, type BookingService } from './booking.service';
import { placeBooking } from './place-booking';
import { newReference } from './reference';
import { BookingSeries, MAX_INTERVAL_WEEKS, MAX_OCCURRENCES } from './series.entity';
import type { BookSeriesInput, BookSeriesResult, SkippedOccurrence } from './series.inputs';

/** One occurrence of a series: its place (1 for the first), its start, and its slot when the service has one then. */
interface Occurrence {
  occurrence: number;
  startsAt: Date;
  slot: Slot | null;
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
    const actor = requireActor(ctx);
    const firstId = parseId('slotId', input.slotId);
    const count = intInRange('occurrences', input.occurrences, 2, MAX_OCCURRENCES);
    const intervalWeeks = intInRange('intervalWeeks', input.intervalWeeks ?? 1, 1, MAX_INTERVAL_WEEKS);
    const notes = optionalText('notes', input.notes, MAX_NOTE_LENGTH);
    const skipUnavailable = input.skipUnavailable ?? false;
    const first = await ctx.em.findOne(Slot, { id: firstId }, { populate: ['service.provider'] });
    const service = bookableService(first ? [first] : [], firstId, actor.userId, BookingMode.INSTANT);
    const party = parseParty(input.party, service);
    const meetingProvider = meetingProviderOf(service, input.meetingProvider);

    // The same wall time in the service's zone, across DST changes.
    const start = DateTime.fromJSDate(first!.startsAt, { zone: service.timezone });
    const times = Array.from({ length: count }, (_, i) => start.plus({ weeks: i * intervalWeeks }).toJSDate());
    const found = await ctx.em.find(
      Slot,
      { service: service.id, startsAt: { $in: times.slice(1) } },
      { orderBy: { id: 'asc' } },
    );
    const now = ctx.clock.now();
    const occurrences: Occurrence[] = times.map((startsAt, i) => {
      // Of several slots starting then (two schedules), the first bookable one.
      const then = i === 0 ? [first!] : found.filter((slot) => slot.startsAt.getTime() === startsAt.getTime());
      const slot = then.find((one) => !slotClosure(one, service, now)) ?? then[0] ?? null;
      return { occurrence: i + 1, startsAt, slot };
    });

    const planned: { occurrence: Occurrence; plan: BookingPlan }[] = [];
    const skipped: SkippedOccurrence[] = [];
    let refused: DomainError | undefined; // the first refusal: the answer when nothing can be booked
    const skip = (occurrence: Occurrence, error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
      refused ??= ofOccurrence(occurrence, error);
      if (!skipUnavailable) throw refused;
      skipped.push(skippedOf(occurrence, error));
    };
    for (const occurrence of occurrences) {
      let plan: BookingPlan;
      try {
        const { slot } = occurrence;
        if (!slot) throw new DomainError('SLOT_UNAVAILABLE', 'the service has no slot starting then');
        checkSlots([slot.id], [slot], service, now);
        plan = this.bookings.planFor(ctx, service, actor.userId, [slot], party);
      } catch (error) {
        skip(occurrence, error);
        continue;
      }
      if (isPaid(plan))
        throw new BadInput(
          'slotId',
          'this service is paid by card: a series books services not paid by card; book each occurrence with `book`',
        );
      planned.push({ occurrence, plan: { ...plan, notes, meetingProvider } });
    }
    if (planned.length === 0) throw refused!;

    const ids = await ctx.em.execute<{ id: number }[]>(
      `select nextval(pg_get_serial_sequence('booking', 'id'))::int as id from generate_series(1, ?)`,
      [planned.length],
    );
    // Seats are taken in slot-id order, the order every use case locks slots in.
    const inLockOrder = [...planned].sort((a, b) => a.plan.slots[0].id - b.plan.slots[0].id);
    return inTransaction(ctx, async (tx) => {
      const series = tx.em.create(BookingSeries, {
        customerId: actor.userId,
        serviceId: service.id,
        intervalWeeks,
        occurrences: count,
        createdAt: tx.clock.now(),
      });
      await tx.em.flush();
      const booked: Booking[] = [];
      const lost: SkippedOccurrence[] = [];
      for (const [n, { occurrence, plan }] of inLockOrder.entries()) {
        const placement = {
          id: ids[n].id,
          reference: newReference(tx.clock.now()),
          plan: { ...plan, seriesId: series.id },
          intent: null,
          holdMinutes: 0,
        };
        if (!skipUnavailable) {
          try {
            booked.push(await placeBooking(tx, this.lifecycle, placement));
          } catch (error) {
            throw error instanceof DomainError ? ofOccurrence(occurrence, error) : error;
          }
        } else {
          // Taken meanwhile: that occurrence alone is undone and answered as skipped.
          await trySavepoint(
            tx,
            async (inner) => void booked.push(await placeBooking(inner, this.lifecycle, placement)),
            (refusal) => {
              lost.push(skippedOf(occurrence, refusal));
              refused ??= ofOccurrence(occurrence, refusal);
            },
          );
        }
      }
      if (booked.length === 0) throw refused!;
      return {
        series,
        bookings: booked.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
        skipped: [...skipped, ...lost].sort((a, b) => a.occurrence - b.occurrence),
      };
    });
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
      const rows = await tx.em.execute<{ id: number }[]>(
        `select id from booking where series_id = ? and starts_at >= ? and status in ('CONFIRMED', 'PENDING_PAYMENT') order by id`,
        [anchor.seriesId, anchor.startsAt],
      );
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
