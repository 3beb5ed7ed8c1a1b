import { Client } from 'pg';
import type { Logger } from 'pino';
import { CHANNELS } from './live-events';

/** The name tests and operators find the connection by in pg_stat_activity. */
const LISTENER_APPLICATION_NAME = 'booking-live-listener';

/**
 * One LISTEN connection per process. When the connection drops it reconnects with backoff and listens
 * again; notices sent while it was away are not replayed (README: "Live updates").
 */
export class LiveListener {
  private client?: Client;
  private stopped = false;
  private retryMs = 100;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly onNotice: (channel: string, payload: string) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: LISTENER_APPLICATION_NAME });
    client.on('notification', (message) => this.onNotice(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'live listener connection failed');
      this.dropped(client);
    });
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      for (const channel of Object.values(CHANNELS)) await client.query(`listen ${channel}`);
    } catch (error) {
      client.removeAllListeners();
      client.on('error', () => {});
      void client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    this.retryMs = 100;
  }

  private dropped(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => {});
    void client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      try {
        await this.start();
        this.log.info('live listener reconnected');
      } catch (error) {
        this.log.warn({ err: error }, 'live listener could not reconnect yet');
        this.retryMs = Math.min(this.retryMs * 2, 5_000);
        this.scheduleReconnect();
      }
    }, this.retryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
