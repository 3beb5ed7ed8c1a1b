import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { advisoryLock } from './database.sql';
import { runOn } from '../core/sql';
import { migrateJobQueue } from './worker';

/** Any fixed number: every process of this application takes the same advisory lock around its migrations. */
const MIGRATION_LOCK = 704_251_113;

/**
 * Brings the schema (ours and graphile-worker's) up to date. Processes that start together on one
 * database queue on a session advisory lock, so the migrations run once and the others find them done.
 */
export async function migrate(databaseUrl: string, orm: MikroORM, log: Logger): Promise<void> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await runOn(lock, advisoryLock(MIGRATION_LOCK));
    await orm.getMigrator().up();
    await migrateJobQueue(databaseUrl, log);
  } finally {
    await lock.end(); // ending the session releases the lock, also after a failure
  }
}
