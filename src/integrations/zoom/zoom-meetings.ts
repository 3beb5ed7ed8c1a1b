import type { BookingChanged } from '../../booking/booking-events';
import type { BookingLifecycle } from '../../booking/booking-lifecycle';
import { BookingStatus } from '../../booking/booking.enums';
import { lockBookingWhere } from '../../booking/booking-locks';
import { MeetingProvider } from '../../catalog/service.enums';
import { inOneStatement, inTransaction, type RequestContext, type TxContext } from '../../core/context';
import { GONE, queueMeetingJob, runMeetingJob } from '../meeting-jobs';
import { type ZoomClient, ZoomError, type ZoomMeeting, type ZoomMeetingTerms } from './zoom-client';

interface MeetingState {
  status: BookingStatus;
  reference: string;
  starts_at: Date;
  ends_at: Date;
  service_name: string;
  timezone: string;
  meeting_provider: MeetingProvider;
  provider_name: string;
  meeting_id: string | null;
  requested_at: Date | null;
  meeting_starts_at: Date | null;
  duration_minutes: number | null;
  topic: string | null;
}

/** How a meeting's topic ends: the booking's reference, unique, so that a meeting made by a lost call is found again. */
const marker = (reference: string) => ` (${reference})`;

/**
 * Zoom meetings of ZOOM services. A booking is confirmed without waiting for Zoom: a listener queues the
 * `zoom_meeting` job in the change's transaction, and the job makes, moves or deletes the meeting until it
 * matches the booking, retried with backoff while Zoom fails. Jobs of one booking run one at a time (their
 * own queue). Before a create the job records that it asked; a retry after a lost answer first looks for
 * the meeting by its topic's marker, so that it never makes a second one.
 */
export class ZoomMeetings {
  constructor(
    private readonly client: ZoomClient | undefined,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  /** Whether services may choose ZOOM: Zoom credentials are set. */
  get configured(): boolean {
    return this.client !== undefined;
  }

  /** Listener of bookingChanged: the job, for a ZOOM booking or one that has (or may have) a meeting. */
  bookingChanged(tx: TxContext, change: BookingChanged): void {
    if (this.client) queueMeetingJob(tx, change, 'zoom_meeting', MeetingProvider.ZOOM, 'zoom_meeting');
  }

  /**
   * The zoom_meeting job: brings the booking's meeting in line with the booking. Zoom's rate limits (429) are
   * waited out as its Retry-After says (the next second, or the next day for a daily limit).
   */
  async sync(ctx: RequestContext, bookingId: number): Promise<void> {
    const client = this.client;
    if (!client) return; // queued before Zoom was switched off: nothing can be done
    await runMeetingJob(
      ctx,
      'zoom_meeting',
      bookingId,
      () => this.bringInLine(ctx, client, bookingId),
      (error) => (error instanceof ZoomError && error.status === 429 ? (error.retryAfterSeconds ?? null) : null),
    );
  }

  private async bringInLine(ctx: RequestContext, client: ZoomClient, bookingId: number): Promise<void> {
    const state = await this.read(ctx, bookingId);
    if (!state) return;
    const terms: ZoomMeetingTerms = {
      topic: `${state.service_name}${marker(state.reference)}`,
      agenda: `Booking ${state.reference} with ${state.provider_name}`,
      start: new Date(state.starts_at),
      durationMinutes: Math.max(
        1,
        Math.round((new Date(state.ends_at).getTime() - new Date(state.starts_at).getTime()) / 60_000),
      ),
      timezone: state.timezone,
    };
    if (
      state.status === BookingStatus.CONFIRMED &&
      terms.start.getTime() + terms.durationMinutes * 60_000 > ctx.clock.now().getTime()
    ) {
      if (state.meeting_id) {
        if (sameTerms(state, terms)) return;
        try {
          await client.updateMeeting(state.meeting_id, terms);
          return await this.linked(ctx, bookingId, { id: state.meeting_id, joinUrl: '', topic: terms.topic }, terms);
        } catch (error) {
          if (!(error instanceof ZoomError && error.gone)) throw error;
          // Deleted in Zoom meanwhile: a new one is made below, recorded as asked for first (a lost answer is found again).
          await this.requested(ctx, bookingId);
          state.requested_at = ctx.clock.now();
        }
      }
      if (state.meeting_provider !== MeetingProvider.ZOOM) return;
      let meeting = state.requested_at ? await client.findMeeting(marker(state.reference)) : null;
      if (meeting)
        await client.updateMeeting(meeting.id, terms); // made by a lost call, maybe for times since changed
      else {
        await this.requested(ctx, bookingId);
        meeting = await client.createMeeting(terms);
      }
      await this.linked(ctx, bookingId, meeting, terms);
    } else if (GONE.has(state.status) && (state.meeting_id || state.requested_at)) {
      const id = state.meeting_id ?? (await client.findMeeting(marker(state.reference)))?.id;
      if (id) await client.deleteMeeting(id);
      await inOneStatement(ctx, (tx) => tx.em.execute('delete from zoom_meeting where booking_id = ?', [bookingId]));
    }
  }

  private async read(ctx: RequestContext, bookingId: number): Promise<MeetingState | undefined> {
    const [state] = await ctx.em.execute<MeetingState[]>(
      `select b.status, b.reference, b.starts_at, b.ends_at, s.name as service_name, s.timezone, b.meeting_provider, p.name as provider_name,
         z.meeting_id, z.requested_at, z.starts_at as meeting_starts_at, z.duration_minutes, z.topic
       from booking b join service s on s.id = b.service_id join provider p on p.id = s.provider_id left join zoom_meeting z on z.booking_id = b.id
       where b.id = ?`,
      [bookingId],
    );
    return state;
  }

  /**
   * Recorded before a create is sent, so that a retry knows a meeting may exist although no answer came; a
   * meeting Zoom no longer has is forgotten with it.
   */
  private async requested(ctx: RequestContext, bookingId: number): Promise<void> {
    await inOneStatement(ctx, (tx) =>
      tx.em.execute(
        `insert into zoom_meeting (booking_id, requested_at, updated_at) values (?, ?, ?) on conflict (booking_id) do update set requested_at = excluded.requested_at, meeting_id = null, updated_at = excluded.updated_at`,
        [bookingId, tx.clock.now(), tx.clock.now()],
      ),
    );
  }

  /**
   * Records the meeting as Zoom has it, and a new link on the booking (BookingLifecycle.linkMeeting; a
   * booking that was cancelled meanwhile keeps only the meeting id, for its own job to delete it).
   */
  private async linked(
    ctx: RequestContext,
    bookingId: number,
    meeting: ZoomMeeting,
    terms: ZoomMeetingTerms,
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await lockBookingWhere(tx, { id: bookingId });
      await tx.em.execute(
        `update zoom_meeting set meeting_id = ?, join_url = coalesce(nullif(?, ''), join_url), starts_at = ?, duration_minutes = ?, topic = ?, updated_at = ? where booking_id = ?`,
        [
          meeting.id,
          meeting.joinUrl,
          terms.start,
          terms.durationMinutes,
          terms.topic.slice(0, 200),
          tx.clock.now(),
          bookingId,
        ],
      );
      if (booking && meeting.joinUrl) await this.lifecycle.linkMeeting(tx, booking, meeting.joinUrl);
    });
  }
}

function sameTerms(state: MeetingState, terms: ZoomMeetingTerms): boolean {
  return (
    state.meeting_starts_at !== null &&
    new Date(state.meeting_starts_at).getTime() === terms.start.getTime() &&
    state.duration_minutes === terms.durationMinutes &&
    state.topic === terms.topic
  );
}
