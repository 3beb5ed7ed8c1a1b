import type { Task, TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import { jobDuration } from './latency-metrics';

/**
 * The tasks, each timed into job_duration_seconds and ended with one log line naming the job, its task,
 * how long it ran, and the request that queued it (`requestId`, when a request did).
 */
export function timedTasks(tasks: TaskList, log: Logger): TaskList {
  return Object.fromEntries(
    Object.entries(tasks).map(([task, run]): [string, Task] => [
      task,
      async (payload, helpers) => {
        const started = process.hrtime.bigint();
        const line = () => ({
          job: { id: helpers.job.id, task, attempt: helpers.job.attempts },
          requestId: (payload as { requestId?: unknown } | null)?.requestId,
          durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
        });
        try {
          await (run as Task)(payload, helpers);
          jobDuration.observe({ task, outcome: 'success' }, Number(process.hrtime.bigint() - started) / 1e9);
          log.info(line(), 'job done');
        } catch (error) {
          jobDuration.observe({ task, outcome: 'failure' }, Number(process.hrtime.bigint() - started) / 1e9);
          log.warn({ ...line(), err: error }, 'job failed; it will be retried unless that was its last attempt');
          throw error;
        }
      },
    ]),
  );
}
