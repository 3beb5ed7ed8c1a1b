import type { BookingChanged } from '../../booking/booking-events';
import type { BookingLifecycle } from '../../booking/booking-lifecycle';
import { BookingStatus } from '../../booking/booking.enums';
import { lockBookingWhere } from '../../booking/booking-locks';
import { MeetingProvider } from '../../catalog/service.enums';
import { inOneStatement, inTransaction, type RequestContext, type TxContext } from '../../core/context';
import { GONE, queueMeetingJob, runMeetingJob } from '../meeting-jobs';
import { IntegrationError } from '../integration-error';
import type { WherebyClient, WherebyMeeting } from './whereby-client';

/** Whereby's normal rooms seat 4 people; a larger party (with its host) gets a group room. */
const NORMAL_ROOM_PEOPLE = 4;

interface RoomState {
  status: BookingStatus;
  reference: string;
  ends_at: Date;
  party_size: number;
  meeting_provider: MeetingProvider;
  meeting_id: string | null;
  end_date: Date | null;
}

/**
 * Whereby rooms of WHEREBY bookings (docs/meetings.md). A booking is confirmed without waiting for Whereby:
 * a listener queues the `whereby_meeting` job in the change's transaction, and the job makes or deletes the
 * room until it matches the booking, retried with backoff while Whereby fails, a 429 waited out as its
 * Retry-After says. Whereby rooms cannot be changed: one that ends before a moved booking does is replaced
 * (the old one deleted). Whereby has no lookup by name, so a room whose create answer was lost is never
 * used; Whereby deletes it an hour after its end.
 */
export class WherebyMeetings {
  constructor(
    private readonly client: WherebyClient | undefined,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  /** Whether services may offer WHEREBY: the Whereby API key is set. */
  get configured(): boolean {
    return this.client !== undefined;
  }

  /** Listener of bookingChanged: the job, for a WHEREBY booking or one that has a room. */
  bookingChanged(tx: TxContext, change: BookingChanged): void {
    if (this.client) queueMeetingJob(tx, change, 'whereby_meeting', MeetingProvider.WHEREBY, 'whereby_meeting');
  }

  /** The whereby_meeting job: brings the booking's room in line with the booking. */
  async sync(ctx: RequestContext, bookingId: number): Promise<void> {
    const client = this.client;
    if (!client) return; // queued before Whereby was switched off: nothing can be done
    await runMeetingJob(
      ctx,
      'whereby_meeting',
      bookingId,
      () => this.bringInLine(ctx, client, bookingId),
      (error) => (error instanceof IntegrationError && error.kind === 'throttled' ? error.retryAfterSeconds : null),
    );
  }

  private async bringInLine(ctx: RequestContext, client: WherebyClient, bookingId: number): Promise<void> {
    const [state] = await ctx.em.execute<RoomState[]>(
      `select b.status, b.reference, b.ends_at, b.adults + b.children + b.infants as party_size, b.meeting_provider, w.meeting_id, w.end_date
       from booking b left join whereby_meeting w on w.booking_id = b.id where b.id = ?`,
      [bookingId],
    );
    if (!state) return;
    const endsAt = new Date(state.ends_at);
    const live =
      state.status === BookingStatus.CONFIRMED &&
      state.meeting_provider === MeetingProvider.WHEREBY &&
      endsAt > ctx.clock.now();
    if (live) {
      if (state.end_date && new Date(state.end_date) >= endsAt) return; // the room lasts long enough
      const room = await client.createMeeting({
        endDate: endsAt,
        roomNamePrefix: state.reference.toLowerCase().replace(/[^a-z0-9-]/g, ''),
        roomMode: state.party_size + 1 > NORMAL_ROOM_PEOPLE ? 'group' : 'normal',
      });
      await this.linked(ctx, bookingId, room);
      if (state.meeting_id) await client.deleteMeeting(state.meeting_id); // the one that ended too early
    } else if (state.meeting_id && (GONE.has(state.status) || state.meeting_provider !== MeetingProvider.WHEREBY)) {
      await client.deleteMeeting(state.meeting_id);
      await inOneStatement(ctx, (tx) =>
        tx.em.execute('delete from whereby_meeting where booking_id = ? and meeting_id = ?', [
          bookingId,
          state.meeting_id,
        ]),
      );
    }
  }

  /**
   * Records the room and puts its link on the booking (BookingLifecycle.linkMeeting: the "Your meeting link"
   * email and the invite's LOCATION). A booking cancelled meanwhile keeps only the room, for its own job to
   * delete it.
   */
  private async linked(ctx: RequestContext, bookingId: number, room: WherebyMeeting): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await lockBookingWhere(tx, { id: bookingId });
      await tx.em.execute(
        `insert into whereby_meeting (booking_id, meeting_id, room_url, end_date, updated_at) values (?, ?, ?, ?, ?)
         on conflict (booking_id) do update set meeting_id = excluded.meeting_id, room_url = excluded.room_url, end_date = excluded.end_date, updated_at = excluded.updated_at`,
        [bookingId, room.meetingId, room.roomUrl, room.endDate, tx.clock.now()],
      );
      if (booking) await this.lifecycle.linkMeeting(tx, booking, room.roomUrl);
    });
  }
}
