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
