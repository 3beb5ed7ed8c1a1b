import path from 'node:path';
import pino from 'pino';
import { ConfigError } from '../../src/config';
import { startEmbeddedPostgres } from '../../src/core/database';

/**
 * One PostgreSQL server for the whole run: TEST_DATABASE_URL (a server URL, e.g.
 * postgres://postgres@127.0.0.1:5432/postgres) when given, else an embedded one under .data/.
 * Each test file then makes its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = path.resolve('.data', `test-postgres-${process.pid}`);
  const { cluster, port } = await startEmbeddedPostgres(dir, pino({ level: 'warn' })).catch((error: unknown) => {
    if (!(error instanceof ConfigError)) throw error;
    // One line saying what to do, not a stack from Jest.
    console.error(error.message);
    process.exit(1);
  });
  (globalThis as Record<string, unknown>).__testCluster = { cluster, dir };
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
