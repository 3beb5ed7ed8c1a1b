import type { BookingAction, BookingChanged } from '../booking/booking-events';
import { BookingStatus } from '../booking/booking.enums';
import type { MeetingProvider } from '../catalog/service.enums';
import { inOneStatement, type RequestContext, type TxContext } from '../core/context';
import { jobKeys, MEETING_ATTEMPTS, type TaskName } from '../jobs';

/** The jobs that keep one booking's meeting (Zoom's, Whereby's) in line with the booking. */
export type MeetingTask = Extract<TaskName, 'zoom_meeting' | 'whereby_meeting'>;

const KEYS: Record<MeetingTask, (bookingId: number) => string> = {
  zoom_meeting: jobKeys.zoomMeeting,
  whereby_meeting: jobKeys.wherebyMeeting,
};

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
export const GONE: ReadonlySet<string> = new Set([
  BookingStatus.CANCELLED,
  BookingStatus.EXPIRED,
  BookingStatus.REFUNDED,
]);

/** A booking's meeting job, due at `runAt` (now when null): one queue per booking, so that its jobs run one at a time. */
export function meetingJobCall(
  task: MeetingTask,
  bookingId: number,
  runAt: Date | null,
): { sql: string; params: unknown[] } {
  const key = KEYS[task](bookingId);
  return {
    sql: `(graphile_worker.add_job(?, json_build_object('bookingId', ?::int), queue_name => ?, job_key => ?, max_attempts => ?, run_at => coalesce(?::timestamptz, now()))).id`,
    params: [task, bookingId, key, key, MEETING_ATTEMPTS, runAt?.toISOString() ?? null],
  };
}

/**
 * Listener body: queues the meeting job in the change's own statement, for a booking meeting on `provider`
 * or one that has a meeting recorded in `table` (to move or delete it). A booking awaiting payment gets
 * its meeting once confirmed.
 */
export function queueMeetingJob(
  tx: TxContext,
  { action, booking }: BookingChanged,
  task: MeetingTask,
  provider: MeetingProvider,
  table: 'zoom_meeting' | 'whereby_meeting',
): void {
  if (!RELEVANT.has(action) || (action === 'booking.created' && booking.status !== BookingStatus.CONFIRMED)) return;
  const job = meetingJobCall(task, booking.id, null);
  tx.effects.writeRows((name) => ({
    ctes: [],
    cteParams: [],
    calls: [`(select ${job.sql} where ?::boolean or exists (select 1 from ${table} where booking_id = ?)) as ${name}`],
    callParams: [...job.params, booking.meetingProvider === provider, booking.id],
  }));
}

/**
 * Runs a meeting job. A rate limit that said how long to wait (`retryAfterSeconds` of the error, else
 * null) is waited out by queueing the job again then, not counted as a failure; other failures throw, and
 * graphile-worker retries with backoff.
 */
export async function runMeetingJob(
  ctx: RequestContext,
  task: MeetingTask,
  bookingId: number,
  work: () => Promise<void>,
  retryAfterSeconds: (error: unknown) => number | null,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const wait = retryAfterSeconds(error);
    if (!wait) throw error;
    const job = meetingJobCall(task, bookingId, new Date(ctx.clock.now().getTime() + wait * 1000));
    await inOneStatement(ctx, (tx) => tx.em.execute(`select ${job.sql}`, job.params));
  }
}
