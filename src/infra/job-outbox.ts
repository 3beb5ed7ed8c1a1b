import type { ClientBase, Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { listenOutbox, moveOutboxRows } from './job-outbox.sql';
import { metrics } from './metrics';
import { PersistentConnection } from './persistent-connection';

const moved = new Counter({
  name: 'job_outbox_moved_total',
  help: "Jobs moved from the outbox (a change's jobs without a key) into the job queue",
  registers: [metrics],
});

/** Rows moved per statement: one add_jobs call queues them all. */
const BATCH = 500;

/** Moves everything in the outbox into the queue, a batch per statement; answers how many jobs moved. */
export async function moveOutbox(db: Pool | ClientBase): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.query<{ moved: number }>({
      name: 'move_job_outbox',
      text: moveOutboxRows,
      values: [BATCH],
    });
    total += rows[0].moved;
    if (rows[0].moved < BATCH) return total;
  }
}

/** How often the outbox is looked at without a notice (one sent while the LISTEN connection was away). */
const POLL_MS = 1_000;

/**
 * Moves the job outbox into graphile-worker's queue, where jobs run (src/core/effects.ts writes it): at
 * once when a change's notice says it wrote there, and every second in case a notice was missed. Runs
 * beside the job runner, so jobs reach the queue exactly where they are worked. Drains never overlap in
 * this process; two processes' drains skip each other's rows.
 */
export class JobOutbox {
  private draining?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly listener: PersistentConnection;

  constructor(
    private readonly pool: Pool,
    databaseUrl: string,
    private readonly log: Logger,
    connectTimeoutMs: number,
  ) {
    this.listener = new PersistentConnection({
      url: databaseUrl,
      applicationName: 'booking-job-outbox',
      connectTimeoutMs,
      log,
      setup: async (client) => {
        client.on('notification', () => this.drain());
        await client.query(listenOutbox);
        this.drain(); // what was written while nobody listened
      },
    });
    this.timer = setInterval(() => this.drain(), POLL_MS);
    this.timer.unref();
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  /** Moves everything in the outbox; asked again while moving, it goes round once more. */
  private drain(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = moveOutbox(this.pool)
      .then((count) => void moved.inc(count))
      .catch((error) => this.log.warn({ err: error }, 'could not move the job outbox yet'))
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.drain();
        }
      });
  }

  /** Finishes the move under way, then stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
    await this.listener.stop();
  }
}
