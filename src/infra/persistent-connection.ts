import { Client } from 'pg';
import type { Logger } from 'pino';
import { connectionSettings } from './database';

export interface PersistentConnectionOptions {
  url: string;
  /** What it is called in logs and in pg_stat_activity. */
  applicationName: string;
  connectTimeoutMs: number;
  /** Runs on every new connection before it counts as up: LISTEN, locks to take again. */
  setup: (client: Client) => Promise<void>;
  /** Runs when the connection is found gone (it then comes back by itself, through `setup`). */
  onDrop?: () => void;
  log: Logger;
}

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 2_000;

/** Ends a connection we no longer use, whatever state it is in. */
function discard(client: Client): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => {});
  return client.end().catch(() => {});
}

/**
 * One dedicated connection that comes back by itself: when it drops (a PostgreSQL restart, a network
 * failure) it reconnects with backoff and runs `setup` again. Whatever happened while it was away is lost.
 */
export class PersistentConnection {
  private current?: Client;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly options: PersistentConnectionOptions) {}

  /** The connection while it is up. */
  get client(): Client | undefined {
    return this.current;
  }

  /** Opens the connection; fails if PostgreSQL cannot be reached. */
  async start(): Promise<void> {
    const { url, applicationName, connectTimeoutMs, setup, log } = this.options;
    const client = new Client({
      connectionString: url,
      application_name: applicationName,
      ...connectionSettings(connectTimeoutMs),
    });
    client.on('error', (error) => {
      log.warn({ err: error }, `${applicationName} connection failed`);
      this.dropped(client);
    });
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await setup(client);
    } catch (error) {
      void discard(client);
      throw error;
    }
    if (this.stopped) return discard(client); // stopped while connecting
    this.current = client;
    this.retryMs = FIRST_RETRY_MS;
  }

  private dropped(client: Client): void {
    if (this.current !== client) return;
    this.current = undefined;
    this.options.onDrop?.();
    void discard(client);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      try {
        await this.start();
        this.options.log.info(`${this.options.applicationName} reconnected`);
      } catch (error) {
        this.options.log.warn({ err: error }, `${this.options.applicationName} could not reconnect yet`);
        this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
        this.scheduleReconnect();
      }
    }, this.retryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.current;
    this.current = undefined;
    if (client) await discard(client);
  }
}
