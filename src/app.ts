import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { Config } from './config';
import { systemClock, type Clock } from './core/clock';
import { openDatabase } from './core/database';
import { openOrm } from './core/orm';
import { startWorker } from './core/worker';
import { createDomain } from './domain';
import { LiveHub } from './live/live-hub';
import { LiveListener } from './live/live-listener';
import { LiveService } from './live/live.service';
import { Mailer } from './notifications/mailer';
import { createHttpServer } from './server/http';
import { attachWebSocket } from './server/websocket';
import { buildGraphQLSchema } from './server/schema';
import { Tokens } from './server/tokens';
import { taskList } from './tasks';

export interface RunningApp {
  url: string;
  port: number;
  log: Logger;
  stop(): Promise<void>;
}

/** The composition root: database, migrations, domain, schema, HTTP; `stop` undoes them in reverse. */
export async function startApp(config: Config, clock: Clock = systemClock): Promise<RunningApp> {
  const log = pino({ level: config.logLevel });
  const database = await openDatabase(config.databaseUrl, config.dataDir, log);
  try {
    const orm = await openOrm(database.url, log);
    const domain = createDomain(config, log);
    const tokens = new Tokens(config.jwtSecret, config.tokenTtlHours);
    const mailer = new Mailer(config.smtpUrl, config.mailFrom, log);
    const worker = config.runWorker ? await startWorker(database.url, taskList(orm, domain, mailer, clock), log) : undefined;
    if (config.adminEmail && config.adminPassword) {
      await domain.accounts.ensureAdmin(orm.em.fork(), config.adminEmail, config.adminPassword);
    }
    const schema = buildGraphQLSchema(domain, tokens);
    const { server, apollo } = await createHttpServer({ orm, schema, tokens, clock, log, paymentEvents: domain.paymentEvents, stripe: domain.stripe, explorer: config.explorer, corsOrigins: config.corsOrigins });
    const hub = new LiveHub(orm, log);
    const listener = new LiveListener(database.url, (channel, payload) => void hub.receive(channel, payload), log);
    await listener.start();
    const sockets = attachWebSocket({ server, schema, orm, tokens, clock, live: new LiveService(hub), log, introspection: config.explorer });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, resolve);
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://localhost:${port}/graphql`;
    return {
      url,
      port,
      log,
      async stop() {
        await sockets.close(); // ends every subscription and closes the sockets
        await listener.stop();
        await apollo.stop(); // stops accepting, lets in-flight requests finish, closes the HTTP server
        await worker?.stop(); // lets running jobs finish
        mailer.close();
        await orm.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
