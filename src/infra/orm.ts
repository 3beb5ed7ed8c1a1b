import { createHash } from 'node:crypto';
import {
  DataloaderType,
  DefaultLogger,
  type EntityClass,
  type EntityData,
  type LogContext,
  type LoggerNamespace,
  type LoggerOptions,
} from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { type EntityManager, MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { migrations } from '../../migrations';
import { ENTITIES } from '../entities';
import type { RequestContext } from '../core/context';
import { CONNECT_TIMEOUT_MS, connectionSettings } from './database';
import { metrics } from './metrics';
import { numberedPlaceholders } from '../core/sql';
import { migrate } from './migrate';

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

interface PooledConnection {
  query<R>(query: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * Sends a read the server makes on every request of a kind as a named prepared statement, on a connection of
 * the ORM's pool: PostgreSQL then plans it once per connection, not per request (for a month of availability
 * the planning cost more than the run). `text` must be the same for a name. Outside a transaction only.
 */
export async function preparedRead<R>(
  ctx: RequestContext,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const { client } = ctx.knex ?? ctx.em.getKnex();
  const connection = (await client.acquireConnection()) as PooledConnection;
  try {
    sqlStatements.inc();
    return (await connection.query<R>({ name, text, values })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}

const placeholders = new Map<string, { name: string; text: string }>();

/** A statement with knex's `?` placeholders (`\\?` a literal question mark) as pg's `$n`, named by its text. */
function numbered(sql: string): { name: string; text: string } {
  let known = placeholders.get(sql);
  if (!known) {
    const text = numberedPlaceholders(sql);
    known = { name: `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
    if (placeholders.size < 1_000) placeholders.set(sql, known);
  }
  return known;
}

/**
 * Sends a statement of the request path (knex `?` placeholders) as a named prepared statement with its
 * values bound, so that PostgreSQL parses and plans it once per connection and no value is formatted into
 * SQL. Alone it runs on a pooled connection (a statement atomic by itself); inside a transaction, on the
 * transaction's connection through the ORM.
 */
export async function preparedStatement<R>(ctx: RequestContext, sql: string, values: unknown[]): Promise<R[]> {
  if (ctx.em.isInTransaction()) return ctx.em.execute<R[]>(sql, values);
  const { name, text } = numbered(sql);
  return preparedRead<R>(ctx, name, text, values);
}

/**
 * knex's hook on each new pooled connection: sets its statement_timeout (0 leaves PostgreSQL's default, none),
 * and plans prepared statements (ours, and those inside functions: take_seats, graphile-worker's add_jobs)
 * once per connection. PostgreSQL's default replans a statement for its values whenever the generic plan
 * does not look cheaper; the request path's statements are key lookups and writes whose best plan does not
 * depend on the values, and replanning them was a third of the database's CPU per booking.
 */
function sessionSettings(ms: number) {
  return (
    connection: { query(sql: string, done: (error?: Error) => void): void },
    done: (error: Error | undefined, connection: unknown) => void,
  ) =>
    connection.query(`set statement_timeout = ${Math.round(ms)}; set plan_cache_mode = force_generic_plan`, (error) =>
      done(error, connection),
    );
}

export function ormOptions(
  clientUrl: string,
  write: (message: string) => void = () => {},
  debug: LoggerNamespace[] = [],
  statementTimeoutMs = 0,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): Options {
  return {
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: {
      migrationsList: migrations,
      path: 'migrations',
      pathTs: 'migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
    // rate-limiter-flexible's counters live there, made by a migration but mapped by no entity.
    schemaGenerator: { ignoreSchema: ['rate_limit'] },
    // Reference.load() and Collection.load() are batched per tick: lists cost one query per relation.
    dataloader: DataloaderType.ALL,
    forceUtcTimezone: true,
    debug,
    logger: write,
    colors: false,
    loggerFactory: (options: LoggerOptions) => new CountingLogger(options),
    pool: { min: 0, max: 10, afterCreate: sessionSettings(statementTimeoutMs) },
    driverOptions: { connection: connectionSettings(connectTimeoutMs) },
  };
}

/**
 * Migrates (ours and graphile-worker's, under a lock shared by every process), then opens the ORM whose
 * every statement (requests and jobs) is cancelled after `statementTimeoutMs`. Migrations run on a pool of
 * their own without that limit: an index on a large table may take longer than any request should.
 */
export async function openOrm(
  clientUrl: string,
  log: Logger,
  settings: { statementTimeoutMs: number; dbConnectTimeoutMs: number },
): Promise<MikroORM> {
  const write = (message: string) => log.debug(message);
  const migrating = await MikroORM.init(ormOptions(clientUrl, write, [], 0, settings.dbConnectTimeoutMs));
  try {
    await migrate(clientUrl, migrating, log);
  } finally {
    await migrating.close();
  }
  return MikroORM.init(ormOptions(clientUrl, write, [], settings.statementTimeoutMs, settings.dbConnectTimeoutMs));
}

/**
 * A row the database answered as a managed entity, as `em.map` makes it, without what the write path does
 * not need: the row is not validated again (it comes from the database), and it is merged on its own, not
 * cascaded through its relations (what it references is mapped first, or stays a reference).
 */
export function mapRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: object): T {
  return managed(em, entity, rowData(em, entity, row));
}

/** A row's values by property, converted as the entity's (times parsed, relations as their ids): no entity yet. */
export function rowData<T extends object>(em: EntityManager, entity: EntityClass<T>, row: object): EntityData<T> {
  return em.getDriver().mapResult(row as EntityData<T>, em.getMetadata().get<T>(entity.name))!;
}

/** A row's values (rowData) as a managed entity, merged as mapRow merges it. */
export function managed<T extends object>(em: EntityManager, entity: EntityClass<T>, data: EntityData<T>): T {
  return em.merge(entity, data, { refresh: true, convertCustomTypes: true, validate: false, cascade: false });
}
