import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SESSION_CHANNEL } from './accounts/session-check';
import { saveBookingPolicy } from './booking/hold-policy';
import type { Config } from './config';
import { systemClock, type Clock } from './core/clock';
import { openDatabase } from './infra/database';
import { createLogger } from './infra/logger';
import { openOrm } from './infra/orm';
import { assertStopped, stopInOrder } from './infra/shutdown';
import { JobRunner } from './infra/worker';
import { createDomain } from './domain';
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

/** The composition root: database, migrations, domain, schema, HTTP; `stop` undoes them in reverse. */
export async function startApp(config: Config, clock: Clock = systemClock): Promise<RunningApp> {
  const log = createLogger(config.logLevel);
  if (config.jwtSecretGenerated)
    log.warn('JWT_SECRET is not set: tokens are signed with a random key and stop working when this process ends');
  const database = await openDatabase(config.databaseUrl, config.dataDir, log);
  try {
    const orm = await openOrm(database.url, log, config);
    const domain = createDomain(config, clock, log);
    const mailer = new Mailer(config.smtpUrl, config.mailFrom, log);
    const worker = config.runWorker
      ? await JobRunner.start({
          databaseUrl: database.url,
          taskList: taskList(orm, domain, mailer, clock),
          log,
          connectTimeoutMs: config.dbConnectTimeoutMs,
        })
      : undefined;
    await saveBookingPolicy(orm.em.fork(), config);
    if (config.adminEmail && config.adminPassword) {
      await domain.accounts.ensureAdmin(orm.em.fork(), config.adminEmail, config.adminPassword);
    }
    const schema = chargeMutations(buildGraphQLSchema(domain), domain.rateLimits);
    const { server, apollo, clientAddress } = await createHttpServer({
      orm,
      schema,
      tokens: domain.tokens,
      clock,
      log,
      paymentEvents: domain.paymentEvents,
      stripe: domain.stripe,
      feeds: domain.feeds,
      calendars: domain.calendars,
      images: domain.images,
      rateLimits: domain.rateLimits,
      links: domain.links,
      accounts: domain.accounts,
      manage: domain.manage,
      guests: domain.guests,
      settings: config,
    });
    const hub = new LiveHub(orm, log);
    const listener = liveListener(
      database.url,
      {
        ...Object.fromEntries(
          Object.values(CHANNELS).map((channel) => [channel, (payload: string) => void hub.receive(channel, payload)]),
        ),
        [SESSION_CHANNEL]: (payload) => domain.sessionChecks.heard(payload),
      },
      log,
      config.dbConnectTimeoutMs,
      (up) => domain.sessionChecks.setListening(up),
    );
    await listener.start();
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
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host }, resolve);
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${displayHost(config.host)}:${port}/graphql`;
    return {
      url,
      port,
      log,
      // Each step is bounded (SHUTDOWN_TIMEOUT_MS in all), so that a database that is gone cannot hold it; the
      // embedded PostgreSQL, stopped last, gets a bound of its own.
      async stop() {
        const unfinished = await stopInOrder(
          [
            ['subscriptions', () => sockets.close()], // ends every subscription and closes the sockets
            ['live listener', () => listener.stop()],
            ['http', () => apollo.stop()], // stops accepting, lets in-flight requests finish, closes the HTTP server
            ['jobs', () => worker?.stop()], // lets running jobs finish
            ['mailer', () => mailer.close()],
            ['orm', () => orm.close()],
          ],
          config.shutdownTimeoutMs,
          log,
        );
        unfinished.push(...(await stopInOrder([['database', () => database.stop()]], config.shutdownTimeoutMs, log)));
        assertStopped(unfinished);
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
