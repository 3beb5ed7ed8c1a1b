import { AuditSubject, type AuditRow } from './audit';
import { type Fragment, joined, raw, sql } from './sql';

/** A NOTIFY, as a select-list call named `name`. */
export const noticeCall = (name: string, channel: string, payload: string): Fragment =>
  sql`pg_notify(${channel}, ${payload}) as ${raw(name)}`;

/** graphile-worker's removal of a job by key, as a call. */
export const removeJobCall = (name: string, jobKey: string): Fragment =>
  sql`(graphile_worker.remove_job(${jobKey})).id as ${raw(name)}`;

/** A job as the queue (or the outbox) takes it; due now when `runAt` is null. */
export interface QueuedJob {
  task: string;
  payload: string;
  runAt: string | null;
  maxAttempts: number;
  /** graphile-worker's named queue: its jobs run one at a time, in the order they were added. */
  queueName: string | null;
}

/** graphile-worker's add_job of a keyed job (one that a later change may replace or remove), as a call; due now when `runAt` is null. */
export const addJobCall = (name: string, job: QueuedJob & { jobKey: string }): Fragment =>
  sql`(graphile_worker.add_job(${job.task}, ${job.payload}::json, queue_name => ${job.queueName}::text, run_at => coalesce(${job.runAt}::timestamptz, now()), job_key => ${job.jobKey}, max_attempts => ${job.maxAttempts})).id as ${raw(name)}`;

/** What the job runner listens on to move the outbox's rows into the queue (src/infra/job-outbox.ts). */
export const JOB_OUTBOX_CHANNEL = 'job_outbox';

/** A change's jobs without a key as one insert into the outbox (`outbox`), the call that counts them, and the notice that wakes the job runner. */
export function outboxInsert(rows: QueuedJob[]): { cte: Fragment; calls: Fragment[] } {
  const values = rows.map(
    (row) =>
      sql`(${row.task}, ${row.payload}::json, coalesce(${row.runAt}::timestamptz, now()), ${row.maxAttempts}::smallint, ${row.queueName}::text)`,
  );
  return {
    cte: sql`outbox as (insert into job_outbox (task, payload, run_at, max_attempts, queue_name) values ${joined(values)} returning 1)`,
    calls: [
      raw('(select count(*) from outbox) as fx_outbox'),
      raw(`pg_notify('${JOB_OUTBOX_CHANNEL}', '') as fx_outbox_notice`),
    ],
  };
}

/** The audit rows of a change as one insert (`audit`), and the call that counts them. */
export function auditInsert(rows: AuditRow[]): { cte: Fragment; call: Fragment } {
  const values = rows.map((row) => {
    const bookingId = row.subject === AuditSubject.BOOKING ? row.subjectId : null;
    const [before, after, at] = [JSON.stringify(row.before), JSON.stringify(row.after), row.at.toISOString()];
    return sql`(${row.subject}, ${row.subjectId}, ${bookingId}, ${row.action}, ${row.actorId}, ${before}::jsonb, ${after}::jsonb, ${row.reason}, ${row.ip}, ${row.userAgent}, ${at}::timestamptz)`;
  });
  return {
    cte: sql`audit as (insert into audit_entry (subject_type, subject_id, booking_id, action, actor_id, before, after, reason, ip, user_agent, created_at) values ${joined(values)} returning 1)`,
    call: raw('(select count(*) from audit) as fx_audit'),
  };
}
