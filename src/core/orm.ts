import { DataloaderType, DefaultLogger, type LogContext, type LoggerNamespace, type LoggerOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { migrations } from '../../migrations';
import { ENTITIES } from '../entities';
import { CONNECT_TIMEOUT_MS, connectionSettings } from './database';
import { metrics } from './metrics';

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

export function ormOptions(clientUrl: string, write: (message: string) => void = () => {}, debug: LoggerNamespace[] = [], connectTimeoutMs = CONNECT_TIMEOUT_MS): Options {
  return {
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, path: 'migrations', pathTs: 'migrations', transactional: true, allOrNothing: true, snapshot: false, emit: 'ts' },
    // Reference.load() and Collection.load() are batched per tick: lists cost one query per relation.
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    debug,
    logger: write,
    colors: false,
    loggerFactory: (options: LoggerOptions) => new CountingLogger(options),
    pool: { min: 0, max: 10 },
    driverOptions: { connection: connectionSettings(connectTimeoutMs) },
  };
}

export async function openOrm(clientUrl: string, log: Logger, connectTimeoutMs: number): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(clientUrl, (message) => log.debug(message), [], connectTimeoutMs));
  await orm.getMigrator().up();
  return orm;
}
