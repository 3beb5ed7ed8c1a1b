import type { Logger } from 'pino';
import { PersistentConnection } from '../infra/persistent-connection';

/** The name tests and operators find the connection by in pg_stat_activity. */
const LISTENER_APPLICATION_NAME = 'booking-live-listener';

/**
 * One LISTEN connection per process, on every channel of `handlers`. When the connection drops it
 * reconnects and listens again; notices sent while it was away are not replayed (docs/booking.md: "Live
 * updates"), which `listening` is told: false when it drops, true once it listens again.
 */
export function liveListener(
  databaseUrl: string,
  handlers: Record<string, (payload: string) => void>,
  log: Logger,
  connectTimeoutMs: number,
  listening: (up: boolean) => void,
): PersistentConnection {
  return new PersistentConnection({
    url: databaseUrl,
    applicationName: LISTENER_APPLICATION_NAME,
    connectTimeoutMs,
    log,
    setup: async (client) => {
      client.on('notification', (message) => handlers[message.channel]?.(message.payload ?? ''));
      for (const channel of Object.keys(handlers)) await client.query(`listen ${channel}`);
      listening(true);
    },
    onDrop: () => listening(false),
  });
}
