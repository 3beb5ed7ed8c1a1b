import type { Logger } from 'pino';
import { PersistentConnection } from './persistent-connection';

/** A worker's lease is a session advisory lock on a 64-bit hash of its id. */
const LOCK = 'select pg_advisory_lock(hashtextextended($1, 0))';
const TRY_LOCK = 'select pg_try_advisory_lock(hashtextextended($1, 0)) as free';
const UNLOCK = 'select pg_advisory_unlock(hashtextextended($1, 0))';
/** Longer than a living process takes to reconnect its lease connection (its backoff stops at 2 s). */
const LEASE_GRACE_MS = 5_000;

/**
 * Which job workers are alive, across processes: each of ours holds a lease on this process's own
 * connection for as long as it runs. PostgreSQL frees the leases of a process that dies (kill -9, a
 * crash), so a worker id that still locks jobs but whose lease can be taken has died holding them.
 */
export class WorkerLeases {
  private readonly held = new Set<string>();
  private readonly connection: PersistentConnection;

  constructor(url: string, log: Logger, connectTimeoutMs: number) {
    this.connection = new PersistentConnection({
      url,
      applicationName: 'booking-job-leases',
      connectTimeoutMs,
      log,
      // After a reconnect (a PostgreSQL restart ends every session) the living workers take theirs again.
      setup: async (client) => {
        for (const workerId of this.held) await client.query(LOCK, [workerId]);
      },
    });
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  /** A worker of ours started. While the connection is down, the reconnect takes the lease. */
  async take(workerId: string): Promise<void> {
    this.held.add(workerId);
    await this.connection.client?.query(LOCK, [workerId]);
  }

  /** A worker of ours stopped (normally, or because it lost the database mid-job). */
  async give(workerId: string): Promise<void> {
    this.held.delete(workerId);
    await this.connection.client?.query(UNLOCK, [workerId]);
  }

  private connected() {
    const client = this.connection.client;
    if (!client) throw new Error('the job lease connection is down');
    return client;
  }

  /** Workers that lock jobs but whose lease is free now. */
  private async withoutLease(): Promise<string[]> {
    const client = this.connected();
    const { rows } = await client.query<{ locked_by: string }>('select distinct locked_by from graphile_worker.jobs where locked_by is not null');
    const free: string[] = [];
    for (const { locked_by: workerId } of rows) {
      if (this.held.has(workerId) || !(await client.query<{ free: boolean }>(TRY_LOCK, [workerId])).rows[0].free) continue;
      free.push(workerId);
      await client.query(UNLOCK, [workerId]);
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
    await new Promise((resolve) => setTimeout(resolve, LEASE_GRACE_MS));
    const dead = (await this.withoutLease()).filter((workerId) => suspects.includes(workerId));
    if (dead.length) await this.connected().query('select graphile_worker.force_unlock_workers($1::text[])', [dead]);
    return dead;
  }
}
