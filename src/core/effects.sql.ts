import { AuditSubject, type AuditRow } from './audit';
import { type Fragment, joined, raw, sql } from './sql';

/** A NOTIFY, as a select-list call named `name`. */
export const noticeCall = (name: string, channel: string, payload: string): Fragment =>
  sql`pg_notify(${channel}, ${payload}) as ${raw(name)}`;

/** graphile-worker's removal of a job by key, as a call. */
export const removeJobCall = (name: string, jobKey: string): Fragment =>
  sql`(graphile_worker.remove_job(${jobKey})).id as ${raw(name)}`;

/** graphile-worker's add_job, as a call; due now when `runAt` is null. */
export const addJobCall = (
  name: string,
  job: { task: string; payload: string; runAt: string | null; jobKey: string | null; maxAttempts: number },
): Fragment =>
  sql`(graphile_worker.add_job(${job.task}, ${job.payload}::json, run_at => coalesce(${job.runAt}::timestamptz, now()), job_key => ${job.jobKey}, max_attempts => ${job.maxAttempts})).id as ${raw(name)}`;

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
