import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import type { Logger } from 'pino';

function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[method](meta ?? {}, message);
  });
}

/** graphile-worker's own tables, migrated at start beside ours so that jobs can be queued before any worker runs. */
export async function migrateJobQueue(databaseUrl: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: workerLogger(log) });
}

/** Runs queued jobs on this process (the server does by default; `npm run worker` runs only this). */
export function startWorker(databaseUrl: string, taskList: TaskList, log: Logger): Promise<Runner> {
  return run({
    connectionString: databaseUrl,
    concurrency: 4,
    pollInterval: 1_000,
    noHandleSignals: true,
    logger: workerLogger(log),
    taskList,
  });
}
