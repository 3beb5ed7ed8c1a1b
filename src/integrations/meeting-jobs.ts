import type { BookingAction, BookingChanged } from '../booking/booking-events';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { BookingStatus } from '../booking/booking.enums';
import { lockBookingWhere } from '../booking/booking-locks';
import type { MeetingProvider } from '../catalog/service.enums';
import { inOneStatement, inTransaction, type RequestContext, type TxContext } from '../core/context';
import { run, type Statement } from '../core/sql';
import { MEETING_ATTEMPTS, type TaskName } from '../jobs';
import { forgetMeeting, type MeetingTable, meetingState, queueMeetingJob, requeueMeetingJob } from './meeting-jobs.sql';

/** The jobs that keep one booking's meeting (Zoom's, Whereby's) in line with the booking: `<service>_meeting`. */
export type MeetingTask = Extract<TaskName, `${string}_meeting`>;

/** A booking as its meeting job reads it, with the row its meeting service recorded for it (null when none). */
export interface MeetingBooking<Recorded> {
  id: number;
  status: BookingStatus;
  reference: string;
  startsAt: Date;
  endsAt: Date;
  partySize: number;
  serviceName: string;
  timezone: string;
  providerName: string;
  meetingProvider: MeetingProvider;
  recorded: Recorded | null;
}

/** What every meeting service's row holds (as JSON: times are strings): the meeting's id, and when a create was asked for. */
export interface RecordedMeeting {
  meeting_id: string | null;
  requested_at?: string | null;
}

/** A meeting as its service answered; `joinUrl` is empty when a change left the link as it was. */
export interface Meeting {
  id: string;
  joinUrl: string;
}

/**
 * A meeting service (Zoom, Whereby), as the domain needs it: only what differs between services. The
 * listener, the job, its retries and the rules of when a meeting is made, moved or deleted are shared
 * (MeetingJobs); an adapter makes and deletes meetings through its API, says where it records them and
 * whether a recorded one still serves its booking.
 */
export interface MeetingApi<Recorded extends RecordedMeeting = RecordedMeeting, Made extends Meeting = Meeting> {
  /** The bookings it makes meetings for: those whose meetingProvider this is. */
  readonly provider: MeetingProvider;
  readonly task: MeetingTask;
  /** The key of a booking's job (`jobKeys` in jobs.ts). */
  readonly jobKey: (bookingId: number) => string;
  /** Its table of booking meetings (`booking_id`, `meeting_id`, what it needs to judge `fits`). */
  readonly table: MeetingTable;
  create(booking: MeetingBooking<Recorded>): Promise<Made>;
  /** Deletes a meeting; one that is already gone counts as deleted. */
  delete(meetingId: string): Promise<void>;
  /** Whether the recorded meeting still serves the booking as it is now. */
  fits(booking: MeetingBooking<Recorded>): boolean;
  /**
   * Moves a meeting to the booking's times, answering it as it is to be recorded, or null when the
   * service no longer has it. Absent: meetings cannot change, and a new one replaces one that no longer fits.
   */
  update?(meetingId: string, booking: MeetingBooking<Recorded>): Promise<Made | null>;
  /**
   * For a service where a meeting made by a call whose answer was lost can be found again: `requested` is
   * recorded before each create, and `find` looks for the meeting then. Absent: such a meeting is never used.
   */
  lost?: {
    requested(bookingId: number, now: Date): Statement<never>;
    find(booking: MeetingBooking<Recorded>): Promise<Made | null>;
  };
  /** Records a meeting made or moved for the booking. */
  record(booking: MeetingBooking<Recorded>, meeting: Made, now: Date): Statement<never>;
  /** How long a rate limit asked to wait (the error of a call), else null. */
  retryAfterSeconds(error: unknown): number | null;
}

/** Changes after which a booking's meeting may have to be made, moved or deleted. */
const RELEVANT: ReadonlySet<BookingAction> = new Set([
  'booking.created',
  'booking.confirmed',
  'booking.modified',
  'booking.cancelled',
  'booking.expired',
  'booking.refunded',
]);

/** A booking in one of these no longer takes place: its meeting is deleted. */
const GONE: ReadonlySet<string> = new Set([BookingStatus.CANCELLED, BookingStatus.EXPIRED, BookingStatus.REFUNDED]);

/**
 * The meetings of one service (docs/meetings.md). A booking is confirmed without waiting for the service:
 * a listener queues the service's job in the change's own statement, and the job makes, moves or deletes
 * the meeting until it matches the booking, retried with backoff while the service fails, a rate limit
 * waited out as the service asked. Jobs of one booking run one at a time (their own queue).
 */
export class MeetingJobs<Recorded extends RecordedMeeting = RecordedMeeting, Made extends Meeting = Meeting> {
  constructor(
    private readonly api: MeetingApi<Recorded, Made> | undefined,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  /** Whether services may offer this provider: its settings are set. */
  get configured(): boolean {
    return this.api !== undefined;
  }

  /**
   * Listener of bookingChanged: queues the job in the change's own statement, for a booking meeting on
   * this service or one that has a meeting recorded (to move or delete it). A booking awaiting payment
   * gets its meeting once confirmed.
   */
  bookingChanged(tx: TxContext, { action, booking }: BookingChanged): void {
    const api = this.api;
    if (!api || !RELEVANT.has(action) || (action === 'booking.created' && booking.status !== BookingStatus.CONFIRMED))
      return;
    const ours = booking.meetingProvider === api.provider;
    tx.effects.writeRows((name) => queueMeetingJob(name, api.table, this.job(api, booking.id), ours));
  }

  /**
   * The job: brings the booking's meeting in line with the booking. A rate limit that said how long to
   * wait is waited out by queueing the job again then, not counted as a failure; other failures throw,
   * and graphile-worker retries with backoff.
   */
  async sync(ctx: RequestContext, bookingId: number): Promise<void> {
    const api = this.api;
    if (!api) return; // queued before the service was switched off: nothing can be done
    try {
      await this.bringInLine(ctx, api, bookingId);
    } catch (error) {
      const wait = api.retryAfterSeconds(error);
      if (!wait) throw error;
      const runAt = new Date(ctx.clock.now().getTime() + wait * 1000);
      await inOneStatement(ctx, (tx) => run(tx.em, requeueMeetingJob(this.job(api, bookingId), runAt)));
    }
  }

  private job(api: MeetingApi<Recorded, Made>, bookingId: number) {
    return { task: api.task, bookingId, key: api.jobKey(bookingId), attempts: MEETING_ATTEMPTS };
  }

  private async bringInLine(ctx: RequestContext, api: MeetingApi<Recorded, Made>, bookingId: number): Promise<void> {
    const booking = await this.read(ctx, api, bookingId);
    if (!booking) return;
    const meetingId = booking.recorded?.meeting_id ?? null;
    let requested = Boolean(booking.recorded?.requested_at);
    if (booking.status === BookingStatus.CONFIRMED && booking.endsAt > ctx.clock.now()) {
      if (meetingId) {
        if (api.fits(booking)) return;
        if (api.update) {
          const moved = await api.update(meetingId, booking);
          if (moved) return this.linked(ctx, api, booking, moved);
          // Deleted in the service meanwhile: a new one is made below, recorded as asked for first.
          await this.requested(ctx, api, bookingId);
          requested = true;
        }
      }
      if (booking.meetingProvider !== api.provider) return;
      let meeting = requested && api.lost ? await api.lost.find(booking) : null;
      // One made by a lost call is moved to the booking's times, which may have changed since.
      if (meeting && api.update && !(await api.update(meeting.id, booking))) meeting = null;
      if (!meeting) {
        await this.requested(ctx, api, bookingId);
        meeting = await api.create(booking);
      }
      await this.linked(ctx, api, booking, meeting);
      // A meeting that cannot change and no longer fits is replaced: the old one goes once the new one is linked.
      if (meetingId && !api.update) await api.delete(meetingId);
    } else if (GONE.has(booking.status) && (meetingId || requested)) {
      const id = meetingId ?? (await api.lost?.find(booking))?.id;
      if (id) await api.delete(id);
      await inOneStatement(ctx, (tx) => run(tx.em, forgetMeeting(api.table, bookingId, meetingId)));
    }
  }

  private async read(
    ctx: RequestContext,
    api: MeetingApi<Recorded, Made>,
    bookingId: number,
  ): Promise<MeetingBooking<Recorded> | undefined> {
    const [row] = await run(ctx.em, meetingState(api.table, bookingId));
    return (
      row && {
        id: bookingId,
        status: row.status,
        reference: row.reference,
        startsAt: new Date(row.starts_at),
        endsAt: new Date(row.ends_at),
        partySize: row.party_size,
        serviceName: row.service_name,
        timezone: row.timezone,
        providerName: row.provider_name,
        meetingProvider: row.meeting_provider,
        recorded: row.recorded as Recorded | null,
      }
    );
  }

  /** Recorded before a create is sent, where a meeting made by a lost answer can be found again. */
  private async requested(ctx: RequestContext, api: MeetingApi<Recorded, Made>, bookingId: number): Promise<void> {
    const lost = api.lost;
    if (lost) await inOneStatement(ctx, (tx) => run(tx.em, lost.requested(bookingId, tx.clock.now())));
  }

  /**
   * Records the meeting and puts a new link on the booking (BookingLifecycle.linkMeeting: the "Your
   * meeting link" email and the invite's LOCATION). A booking cancelled meanwhile keeps only the record,
   * for its own job to delete the meeting.
   */
  private async linked(
    ctx: RequestContext,
    api: MeetingApi<Recorded, Made>,
    state: MeetingBooking<Recorded>,
    meeting: Made,
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const booking = await lockBookingWhere(tx, { id: state.id });
      await run(tx.em, api.record(state, meeting, tx.clock.now()));
      if (booking && meeting.joinUrl) await this.lifecycle.linkMeeting(tx, booking, meeting.joinUrl);
    });
  }
}
