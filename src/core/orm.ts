import { DataloaderType, DefaultLogger, type LogContext, type LoggerNamespace, type LoggerOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { migrations } from '../../migrations';
import { ENTITIES } from '../entities';
import { metrics } from './metrics';
import { migrateJobQueue } from './worker';

const sqlStatements = new Counter({
  name: 'db_statements_total',
  help: 'SQL statements sent by the ORM',
  registers: [metrics],
});

/** Counts every statement (for /metrics and the statement-budget tests) and logs when debugging. */
class CountingLogger extends DefaultLogger {
  override logQuery(context: { query: string } & LogContext): void {
    sqlStatements.inc();
    super.logQuery(context);
  }
}

export function ormOptions(clientUrl: string, write: (message: string) => void = () => {}, debug: LoggerNamespace[] = []): Options {
  return {
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, path: 'migrations', pathTs: 'migrations', transactional: true, allOrNothing: true, snapshot: false, emit: 'ts' },
    // rate-limiter-flexible's counters live there, made by a migration but mapped by no entity.
    schemaGenerator: { ignoreSchema: ['rate_limit'] },
    // Reference.load() and Collection.load() are batched per tick: lists cost one query per relation.
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    debug,
    logger: write,
    colors: false,
    loggerFactory: (options: LoggerOptions) => new CountingLogger(options),
    pool: { min: 0, max: 10 },
  };
}

// Any number, the same in every process of this server.
const MIGRATION_LOCK = 20_261_123;

/**
 * Our migrations, then graphile-worker's. Processes starting together on one database take turns (neither
 * migrator is safe against another running at once): the first migrates, the next find nothing left to do.
 */
async function migrateInTurn(orm: MikroORM, clientUrl: string, log: Logger): Promise<void> {
  const lock = new Client({ connectionString: clientUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await orm.getMigrator().up();
    await migrateJobQueue(clientUrl, log);
  } finally {
    await lock.end(); // ending the session releases the lock
  }
}

/** The ORM on a database brought up to date. */
export async function openOrm(clientUrl: string, log: Logger): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(clientUrl, (message) => log.debug(message)));
  await migrateInTurn(orm, clientUrl, log);
  return orm;
}
