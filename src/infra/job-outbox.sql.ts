import { JOB_OUTBOX_CHANNEL } from '../core/effects.sql';

export const listenOutbox = `listen ${JOB_OUTBOX_CHANNEL}`;

/**
 * Moves up to $1 of the outbox's oldest rows into graphile-worker's queue (its documented `add_jobs`), in
 * one statement: a row leaves the outbox exactly when its job is queued. Rows another drain holds are
 * skipped, not waited for. Answers how many moved.
 */
export const moveOutboxRows = `with moved as (
    delete from job_outbox where id in (select id from job_outbox order by id limit $1 for update skip locked)
    returning id, task, payload, run_at, max_attempts, queue_name)
  select case when exists (select 1 from moved) then (select count(*) from graphile_worker.add_jobs(array(
      select (task, payload, queue_name, run_at, max_attempts, null, null, null)::graphile_worker.job_spec from moved order by id)))
    else 0 end::int as moved`;
