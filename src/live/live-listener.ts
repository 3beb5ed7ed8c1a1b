import type { Logger } from 'pino';
import { PersistentConnection } from '../core/persistent-connection';
import { CHANNELS } from './live-events';

/** The name tests and operators find the connection by in pg_stat_activity. */
const LISTENER_APPLICATION_NAME = 'booking-live-listener';

/**
 * One LISTEN connection per process. When the connection drops it reconnects and listens again; notices
 * sent while it was away are not replayed (README: "Live updates").
 */
export function liveListener(
  databaseUrl: string,
  onNotice: (channel: string, payload: string) => void,
  log: Logger,
  connectTimeoutMs: number,
): PersistentConnection {
  return new PersistentConnection({
    url: databaseUrl,
    applicationName: LISTENER_APPLICATION_NAME,
    connectTimeoutMs,
    log,
    setup: async (client) => {
      client.on('notification', (message) => onNotice(message.channel, message.payload ?? ''));
      for (const channel of Object.values(CHANNELS)) await client.query(`listen ${channel}`);
    },
  });
}
