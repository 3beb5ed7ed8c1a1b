import type { Logger } from 'pino';
import { PersistentConnection } from './persistent-connection';
import { runOn, type Statement } from '../core/sql';
import { giveLease, jobLockers, takeLease, tryLease, unlockWorkersJobs } from './worker-leases.sql';

/** Longer than a living process takes to reconnect its lease connection (its backoff stops at 2 s). */
const LEASE_GRACE_MS = 5_000;

/**
 * Which job workers are alive, across processes: each of ours holds a lease on this process's own
 * connection for as long as it runs. PostgreSQL frees the leases of a process that dies (kill -9, a
 * crash), so a worker id that still locks jobs but whose lease can be taken has died holding them.
 */
export class WorkerLeases {
  private readonly held = new Set<string>();
  private last: Promise<unknown> = Promise.resolve();
  private readonly connection: PersistentConnection;

  constructor(url: string, log: Logger, connectTimeoutMs: number) {
    this.connection = new PersistentConnection({
      url,
      applicationName: 'booking-job-leases',
      connectTimeoutMs,
      log,
      // After a reconnect (a PostgreSQL restart ends every session) the living workers take theirs again.
      setup: async (client) => {
        for (const workerId of this.held) await runOn(client, takeLease(workerId));
      },
    });
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  /**
   * Closes the connection once the statements queued on it (leases given back by stopping workers) are
   * done, or after a second: closing it gives every lease back anyway.
   */
  async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.last, new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
    clearTimeout(timer);
    await this.connection.stop();
  }

  /**
   * Runs one statement at a time on the lease connection (pg no longer wants to queue them itself).
   * While the connection is down there is nothing to do: a reconnect takes the held leases again.
   */
  private query<R>(statement: Statement<R>): Promise<R[]> {
    const run = this.last.then(async () => {
      const client = this.connection.client;
      return client ? runOn(client, statement) : [];
    });
    this.last = run.catch(() => {});
    return run;
  }

  /** A worker of ours started. */
  async take(workerId: string): Promise<void> {
    this.held.add(workerId);
    await this.query(takeLease(workerId));
  }

  /** A worker of ours stopped (normally, or because it lost the database mid-job). */
  async give(workerId: string): Promise<void> {
    this.held.delete(workerId);
    await this.query(giveLease(workerId));
  }

  private assertConnected(): void {
    if (!this.connection.client) throw new Error('the job lease connection is down');
  }

  /** Workers that lock jobs but whose lease is free now. */
  private async withoutLease(): Promise<string[]> {
    this.assertConnected();
    const rows = await this.query(jobLockers());
    const free: string[] = [];
    for (const { locked_by: workerId } of rows) {
      if (this.held.has(workerId) || !(await this.query(tryLease(workerId)))[0]?.free) continue;
      free.push(workerId);
      await this.query(giveLease(workerId));
    }
    return free;
  }

  /**
   * Unlocks the jobs of workers that died holding them, so that they run again now rather than after
   * graphile-worker's 4 hours. A lease must be free twice, LEASE_GRACE_MS apart: after a PostgreSQL
   * restart, living processes need a moment to take theirs again.
   */
  async releaseDeadWorkersJobs(): Promise<string[]> {
    const suspects = await this.withoutLease();
    if (!suspects.length) return [];
    await new Promise((resolve) => setTimeout(resolve, LEASE_GRACE_MS).unref());
    const dead = (await this.withoutLease()).filter((workerId) => suspects.includes(workerId));
    if (!dead.length) return [];
    this.assertConnected();
    await this.query(unlockWorkersJobs(dead));
    return dead;
  }
}
