import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { SESSION_CHANNEL } from './accounts/session-check';
import { saveBookingPolicy } from './booking/hold-policy';
import type { Config } from './config';
import { systemClock, type Clock } from './core/clock';
import { type Database, openDatabase } from './infra/database';
import { createLogger } from './infra/logger';
import { openOrm } from './infra/orm';
import { assertStopped, stopInOrder } from './infra/shutdown';
import { JobRunner } from './infra/worker';
import { createDomain, type Domain } from './domain';
import { LiveHub } from './live/live-hub';
import { CHANNELS } from './live/live-events';
import { liveListener } from './live/live-listener';
import { LiveService } from './live/live.service';
import { Mailer } from './integrations/smtp/smtp-mailer';
import { createHttpServer } from './server/http';
import { chargeMutations } from './server/mutation-budget';
import { attachWebSocket } from './server/websocket';
import { buildGraphQLSchema } from './server/schema';
import { taskList } from './tasks';

export interface RunningApp {
  url: string;
  port: number;
  log: Logger;
  stop(): Promise<void>;
}

/** How the address listened on is written in a URL: a wildcard (every interface) reads as localhost. */
function displayHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** The job runner, when this process runs jobs (RUN_WORKER); otherwise another process does. */
async function startWorker(
  config: Config,
  databaseUrl: string,
  tasks: ReturnType<typeof taskList>,
  log: Logger,
): Promise<JobRunner | undefined> {
  if (!config.runWorker) return undefined;
  return JobRunner.start({ databaseUrl, taskList: tasks, log, connectTimeoutMs: config.dbConnectTimeoutMs });
}

/** The LISTEN connection: live-event channels feed the hub, the session channel feeds the session checks. */
async function startListener(databaseUrl: string, hub: LiveHub, domain: Domain, config: Config, log: Logger) {
  const handlers: Record<string, (payload: string) => void> = {
    ...Object.fromEntries(
      Object.values(CHANNELS).map((channel) => [channel, (payload: string) => void hub.receive(channel, payload)]),
    ),
    [SESSION_CHANNEL]: (payload) => domain.sessionChecks.heard(payload),
  };
  const listener = liveListener(databaseUrl, handlers, log, config.dbConnectTimeoutMs, (up) =>
    domain.sessionChecks.setListening(up),
  );
  await listener.start();
  return listener;
}

/** Listens on HOST:PORT and answers the port bound (PORT 0 picks a free one). */
async function listen(server: Server, config: Config): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host }, resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** What the app holds open, for `stop`. */
interface Parts {
  sockets: { close(): Promise<void> };
  listener: { stop(): Promise<void> };
  apollo: { stop(): Promise<void> };
  worker?: JobRunner;
  mailer: Mailer;
  orm: MikroORM;
  database: Database;
}

/**
 * Stops the parts in reverse. Each step is bounded (SHUTDOWN_TIMEOUT_MS in all), so that a database that is
 * gone cannot hold it; the embedded PostgreSQL, stopped last, gets a bound of its own.
 */
async function stopParts(parts: Parts, config: Config, log: Logger): Promise<void> {
  const unfinished = await stopInOrder(
    [
      ['subscriptions', () => parts.sockets.close()], // ends every subscription and closes the sockets
      ['live listener', () => parts.listener.stop()],
      ['http', () => parts.apollo.stop()], // stops accepting, lets in-flight requests finish, closes the HTTP server
      ['jobs', () => parts.worker?.stop()], // lets running jobs finish
      ['mailer', () => parts.mailer.close()],
      ['orm', () => parts.orm.close()],
    ],
    config.shutdownTimeoutMs,
    log,
  );
  unfinished.push(...(await stopInOrder([['database', () => parts.database.stop()]], config.shutdownTimeoutMs, log)));
  assertStopped(unfinished);
}

/** The composition root: database, migrations, domain, schema, HTTP; `stop` undoes them in reverse. */
export async function startApp(config: Config, clock: Clock = systemClock): Promise<RunningApp> {
  const log = createLogger(config.logLevel);
  if (config.jwtSecretGenerated)
    log.warn('JWT_SECRET is not set: tokens are signed with a random key and stop working when this process ends');
  const database = await openDatabase(config.databaseUrl, config.dataDir, log);
  try {
    return await assemble(config, clock, log, database);
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** Everything over the database, each part after what it needs; on a failure the caller stops the database. */
async function assemble(config: Config, clock: Clock, log: Logger, database: Database): Promise<RunningApp> {
  const orm = await openOrm(database.url, log, config);
  const domain = createDomain(config, clock, log);
  const mailer = new Mailer(config.smtpUrl, config.mailFrom, log);
  const worker = await startWorker(config, database.url, taskList(orm, domain, mailer, clock), log);
  await saveBookingPolicy(orm.em.fork(), config);
  if (config.adminEmail && config.adminPassword) {
    await domain.accounts.ensureAdmin(orm.em.fork(), config.adminEmail, config.adminPassword);
  }
  const schema = chargeMutations(buildGraphQLSchema(domain), domain.rateLimits);
  const { server, apollo, clientAddress } = await createHttpServer({
    ...domain,
    orm,
    schema,
    clock,
    log,
    settings: config,
  });
  const hub = new LiveHub(orm, log);
  const listener = await startListener(database.url, hub, domain, config, log);
  const sockets = attachWebSocket({
    server,
    schema,
    orm,
    tokens: domain.tokens,
    sessionChecks: domain.sessionChecks,
    clock,
    live: new LiveService(hub, orm),
    log,
    clientAddress,
    maxSocketsPerClient: config.maxSocketsPerClient,
    operationTimeoutMs: config.operationTimeoutMs,
    introspection: config.explorer,
  });
  const port = await listen(server, config);
  const url = `http://${displayHost(config.host)}:${port}/graphql`;
  const parts = { sockets, listener, apollo, worker, mailer, orm, database };
  return { url, port, log, stop: () => stopParts(parts, config, log) };
}
