import type { BookingStatus } from '../booking/booking.enums';
import type { MeetingProvider } from '../catalog/service.enums';
import type { StatementParts } from '../core/effects';
import type { Statement } from '../core/sql';
import type { TaskName } from '../jobs';

/** The table where a meeting service records each booking's meeting (`booking_id` its key, `meeting_id` the service's id), named by its adapter. */
export type MeetingTable = `${string}_meeting`;

/** A booking's meeting job as a call: one queue per booking, so that its jobs run one at a time; due at `runAt` (now when null). */
function addJob(
  task: TaskName,
  bookingId: number,
  key: string,
  attempts: number,
  runAt: Date | null,
): { sql: string; params: unknown[] } {
  return {
    sql: `(graphile_worker.add_job(?, json_build_object('bookingId', ?::int), queue_name => ?, job_key => ?, max_attempts => ?, run_at => coalesce(?::timestamptz, now()))).id`,
    params: [task, bookingId, key, key, attempts, runAt?.toISOString() ?? null],
  };
}

/** The part of a change's statement that queues the job when the booking meets on this service (`ours`) or has a meeting recorded in `table`. */
export const queueMeetingJob = (
  name: string,
  table: MeetingTable,
  job: { task: TaskName; bookingId: number; key: string; attempts: number },
  ours: boolean,
): StatementParts => {
  const call = addJob(job.task, job.bookingId, job.key, job.attempts, null);
  return {
    ctes: [],
    cteParams: [],
    calls: [`(select ${call.sql} where ?::boolean or exists (select 1 from ${table} where booking_id = ?)) as ${name}`],
    callParams: [...call.params, ours, job.bookingId],
  };
};

/** The job again, due at `runAt`: a rate limit waited out. */
export const requeueMeetingJob = (
  job: { task: TaskName; bookingId: number; key: string; attempts: number },
  runAt: Date,
): Statement<never> => {
  const call = addJob(job.task, job.bookingId, job.key, job.attempts, runAt);
  return { sql: `select ${call.sql}`, params: call.params };
};

/** The booking as its meeting job needs it, with the row recorded for it in `table` (null when none). */
export const meetingState = (
  table: MeetingTable,
  bookingId: number,
): Statement<{
  status: BookingStatus;
  reference: string;
  starts_at: Date;
  ends_at: Date;
  party_size: number;
  service_name: string;
  timezone: string;
  provider_name: string;
  meeting_provider: MeetingProvider;
  recorded: Record<string, unknown> | null;
}> => ({
  sql: `select b.status, b.reference, b.starts_at, b.ends_at, b.adults + b.children + b.infants as party_size,
      s.name as service_name, s.timezone, p.name as provider_name, b.meeting_provider, to_jsonb(m) as recorded
    from booking b join service s on s.id = b.service_id join provider p on p.id = s.provider_id
      left join ${table} m on m.booking_id = b.id
    where b.id = ?`,
  params: [bookingId],
});

/** Forgets the booking's meeting once the service deleted it (`meetingId` as it was read: null for one only asked for). */
export const forgetMeeting = (table: MeetingTable, bookingId: number, meetingId: string | null): Statement<never> => ({
  sql: `delete from ${table} where booking_id = ? and meeting_id is not distinct from ?`,
  params: [bookingId, meetingId],
});
