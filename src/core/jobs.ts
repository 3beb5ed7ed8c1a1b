import type { EntityManager } from '@mikro-orm/postgresql';

export interface Job {
  task: string;
  payload: object;
  runAt?: Date;
  /** A job with the same key replaces the waiting one (how a reminder moves with its booking). */
  jobKey?: string;
  maxAttempts?: number;
}

/**
 * Queues graphile-worker jobs in the caller's transaction, in one statement: if the transaction rolls
 * back, so do the jobs.
 */
export async function addJobs(em: EntityManager, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  const calls = jobs.map(() => 'graphile_worker.add_job(?, ?::json, run_at => ?::timestamptz, job_key => ?, max_attempts => ?)');
  await em.execute(
    `select ${calls.join(', ')}`,
    jobs.flatMap((job) => [job.task, JSON.stringify(job.payload), (job.runAt ?? new Date()).toISOString(), job.jobKey ?? null, job.maxAttempts ?? 12]),
  );
}

export async function removeJob(em: EntityManager, jobKey: string): Promise<void> {
  await em.execute('select graphile_worker.remove_job(?)', [jobKey]);
}

/**
 * An expiry job can run before its time by the server's clock (after a clock change): it is then queued
 * again for its time and `true` says there is nothing to do yet.
 */
export async function requeuedIfEarly(tx: { em: EntityManager; clock: { now(): Date } }, job: Job & { runAt: Date }): Promise<boolean> {
  if (job.runAt <= tx.clock.now()) return false;
  await addJobs(tx.em, [job]);
  return true;
}
