/** npm run worker: runs only the background jobs, for servers started with WORKER=off. */
import 'reflect-metadata';
import { createLogger } from './core/logger';
import { loadConfig } from './config';
import { systemClock } from './core/clock';
import { openOrm } from './core/orm';
import { createDomain } from './domain';
import { Mailer } from './notifications/mailer';
import { startWorker } from './core/worker';
import { taskList } from './tasks';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (!config.databaseUrl) throw new Error('npm run worker needs DATABASE_URL: the database the servers use');
  const orm = await openOrm(config.databaseUrl, log, config.statementTimeoutMs);
  const mailer = new Mailer(config.smtpUrl, config.mailFrom, log);
  const worker = await startWorker(config.databaseUrl, taskList(orm, createDomain(config, systemClock, log), mailer, systemClock), log);
  log.info('Worker ready');
  const stop = async () => {
    await worker.stop();
    mailer.close();
    await orm.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
