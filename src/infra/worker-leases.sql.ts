import type { Statement } from '../core/sql';

// A worker's lease is a session advisory lock on a 64-bit hash of its id.

/** Takes the worker's lease, waiting for it. */
export const takeLease = (workerId: string): Statement<never> => ({
  sql: 'select pg_advisory_lock(hashtextextended(?, 0))',
  params: [workerId],
});

/** Takes the worker's lease if it is free now. */
export const tryLease = (workerId: string): Statement<{ free: boolean }> => ({
  sql: 'select pg_try_advisory_lock(hashtextextended(?, 0)) as free',
  params: [workerId],
});

/** Gives the worker's lease back. */
export const giveLease = (workerId: string): Statement<never> => ({
  sql: 'select pg_advisory_unlock(hashtextextended(?, 0))',
  params: [workerId],
});

/** The workers that have jobs locked. */
export const jobLockers = (): Statement<{ locked_by: string }> => ({
  sql: 'select distinct locked_by from graphile_worker.jobs where locked_by is not null',
  params: [],
});

/** Unlocks the jobs (and queues) these workers hold: graphile-worker's own function for it. */
export const unlockWorkersJobs = (workerIds: readonly string[]): Statement<never> => ({
  sql: 'select graphile_worker.force_unlock_workers(?::text[])',
  params: [workerIds],
});
