import type { EntityManager } from '@mikro-orm/postgresql';

export interface JobOptions {
  runAt?: Date;
  /** A job with the same key replaces the waiting one (how a reminder moves with its booking). */
  jobKey?: string;
  maxAttempts?: number;
}

/** Queues a graphile-worker job in the caller's transaction: if the transaction rolls back, so does the job. */
export async function addJob(em: EntityManager, task: string, payload: object, options: JobOptions = {}): Promise<void> {
  await em.execute('select graphile_worker.add_job(?, ?::json, run_at => ?::timestamptz, job_key => ?, max_attempts => ?)', [
    task,
    JSON.stringify(payload),
    (options.runAt ?? new Date()).toISOString(),
    options.jobKey ?? null,
    options.maxAttempts ?? 12,
  ]);
}

export async function removeJob(em: EntityManager, jobKey: string): Promise<void> {
  await em.execute('select graphile_worker.remove_job(?)', [jobKey]);
}
