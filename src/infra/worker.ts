import { EventEmitter } from 'node:events';
import {
  Logger as WorkerLogger,
  run,
  runMigrations,
  type Runner,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { connectionSettings } from './database';
import { JobOutbox } from './job-outbox';
import { timedTasks } from './job-timing';
import { metrics } from './metrics';
import { WorkerLeases } from './worker-leases';

const lostWorkers = new Counter({
  name: 'job_workers_lost_total',
  help: 'Job workers that stopped because the database went away mid-job (each is replaced)',
  registers: [metrics],
});
const releasedWorkers = new Counter({
  name: 'job_dead_workers_released_total',
  help: 'Dead workers (of any process) whose locked jobs were unlocked to run again',
  registers: [metrics],
});

/** How often a process looks for jobs locked by dead workers (it also does at start). */
const SWEEP_INTERVAL_MS = 60_000;
const REPAIR_RETRY_MS = 1_000;

function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    // Errors of pg's pool carry the whole client: log what the error says, not the objects it holds.
    const error = (meta as { error?: Error & { code?: string } } | undefined)?.error;
    log[method](error ? { err: { type: error.name, message: error.message, code: error.code } } : {}, message);
  });
}

/** graphile-worker's own tables, migrated at start beside ours so that jobs can be queued before any worker runs. */
export async function migrateJobQueue(databaseUrl: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: workerLogger(log) });
}

export interface JobRunnerOptions {
  databaseUrl: string;
  taskList: TaskList;
  log: Logger;
  connectTimeoutMs: number;
}

/**
 * Runs queued jobs on this process (the server does by default; `npm run worker` runs only this), moves
 * the job outbox into the queue (job-outbox.ts), and keeps jobs running through database restarts and crashes:
 * - a job locked by a worker that died (its process was killed, or it could not record the job's end
 *   while the database was away) is unlocked as soon as a process sees the worker's lease free (at
 *   start, after a repair, and every minute), rather than after graphile-worker's 4 hours;
 * - graphile-worker does not replace a worker that stopped that way, so the runner is replaced once the
 *   database answers again.
 */
export class JobRunner {
  private runner?: Runner;
  private repairing?: Promise<void>;
  private damaged = false;
  private stopped = false;
  private sweepTimer?: NodeJS.Timeout;

  private constructor(
    private readonly options: JobRunnerOptions,
    private readonly pool: Pool,
    private readonly leases: WorkerLeases,
    private readonly outbox: JobOutbox,
    private readonly closings: Set<Promise<void>>,
  ) {}

  static async start(options: JobRunnerOptions): Promise<JobRunner> {
    const pool = new Pool({
      connectionString: options.databaseUrl,
      max: 10,
      application_name: 'booking-jobs',
      ...connectionSettings(options.connectTimeoutMs),
    });
    // graphile-worker watches the pool's idle clients only while its runner runs: between runners, and once
    // stopped, a connection that drops (a restart, a dropped database) must not end the process.
    pool.on('error', (error) => options.log.debug({ err: error }, 'an idle job connection closed'));
    // pg-pool's end() resolves before its sockets close: a stop waits for each one, so that a database stopped
    // right after (the embedded one) never ends a connection graphile-worker still watches.
    const closings = new Set<Promise<void>>();
    pool.on('connect', (client) => {
      const closed: Promise<void> = new Promise((resolve) => client.once('end', resolve));
      closings.add(closed);
      void closed.then(() => closings.delete(closed));
    });
    const leases = new WorkerLeases(options.databaseUrl, options.log, options.connectTimeoutMs);
    await leases.start();
    const outbox = new JobOutbox(pool, options.databaseUrl, options.log, options.connectTimeoutMs);
    await outbox.start();
    const jobs = new JobRunner(options, pool, leases, outbox, closings);
    jobs.runner = await jobs.run();
    const sweep = () =>
      void jobs.sweep().catch((error) => options.log.warn({ err: error }, 'could not look for dead job workers'));
    sweep();
    jobs.sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
    jobs.sweepTimer.unref();
    return jobs;
  }

  private run(): Promise<Runner> {
    const { taskList, log } = this.options;
    const events: WorkerEvents = new EventEmitter();
    const warn = (what: string) => (error: unknown) => log.warn({ err: error }, what);
    events.on(
      'worker:create',
      ({ worker }) => void this.leases.take(worker.workerId).catch(warn('job worker lease not taken yet')),
    );
    events.on(
      'worker:stop',
      ({ worker }) => void this.leases.give(worker.workerId).catch(warn('job worker lease not given back')),
    );
    events.on('worker:fatalError', ({ worker }) => {
      lostWorkers.inc();
      log.warn(
        { workerId: worker.workerId },
        'a job worker lost the database mid-job; the job runner is replaced once the database answers',
      );
      this.repair();
    });
    return run({
      pgPool: this.pool,
      concurrency: 4,
      pollInterval: 1_000,
      noHandleSignals: true,
      logger: workerLogger(log),
      taskList: timedTasks(taskList, log),
      events,
    });
  }

  private async sweep(): Promise<void> {
    const dead = await this.leases.releaseDeadWorkersJobs();
    if (!dead.length) return;
    releasedWorkers.inc(dead.length);
    this.options.log.warn({ workers: dead }, 'unlocked the jobs of dead job workers');
  }

  /** Replaces a damaged runner (in the background: the database may still be away); a worker lost meanwhile damages the new one. */
  private repair(): void {
    this.damaged = true;
    if (this.repairing || this.stopped) return;
    this.repairing = this.replaceRunner()
      .catch((error) => this.options.log.warn({ err: error }, 'job runner repair failed'))
      .finally(() => (this.repairing = undefined));
  }

  private async replaceRunner(): Promise<void> {
    while (this.damaged && !this.stopped) {
      this.damaged = false;
      await this.runner
        ?.stop()
        .catch((error) => this.options.log.warn({ err: error }, 'damaged job runner did not stop cleanly'));
      this.runner = await this.whenDatabaseAnswers('job runner not restarted yet', async () => {
        const runner = await this.run();
        if (!this.stopped) return runner;
        await runner.stop(); // stopped meanwhile
        return undefined;
      });
    }
    await this.whenDatabaseAnswers('dead job workers not looked for yet', () => this.sweep()); // frees the jobs the lost workers held
  }

  /** Tries `work` every second until it succeeds (the database is back) or the runner stops. */
  private async whenDatabaseAnswers<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    while (!this.stopped) {
      try {
        return await work();
      } catch (error) {
        this.options.log.warn({ err: error }, what);
        await new Promise((resolve) => setTimeout(resolve, REPAIR_RETRY_MS));
      }
    }
    return undefined;
  }

  /** Lets running jobs finish, then closes the runner's connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    await this.repairing;
    await this.outbox.stop();
    await this.runner?.stop();
    await this.leases.stop();
    await this.pool.end();
    await Promise.all(this.closings);
  }
}
