/** npm run worker: runs only the background jobs, for servers started with WORKER=off. */
import { stopTracing } from './tracing'; // first: it instruments the modules loaded after it
import 'reflect-metadata';
import { createLogger } from './infra/logger';
import { loadConfig } from './config';
import { ConfigError } from './core/errors';
import { systemClock } from './core/clock';
import { openOrm } from './infra/orm';
import { stopInOrder } from './infra/shutdown';
import { createDomain } from './domain';
import { Mailer } from './integrations/smtp/smtp-mailer';
import { JobRunner } from './infra/worker';
import { metrics } from './infra/metrics';
import { startMetricsServer } from './server/metrics-server';
import { taskList } from './tasks';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (!config.databaseUrl) throw new ConfigError('npm run worker needs DATABASE_URL: the database the servers use');
  const orm = await openOrm(config.databaseUrl, log, config);
  const mailer = new Mailer(config.smtpUrl, config.mailFrom, log);
  const tasks = taskList(orm, createDomain(config, systemClock, log), mailer, systemClock);
  const worker = await JobRunner.start({
    databaseUrl: config.databaseUrl,
    taskList: tasks,
    log,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  });
  // What this process's jobs change is counted here and scraped here; slot utilization is the servers' to read.
  metrics.removeSingleMetric('slot_utilization_percentage');
  const metricsServer = await startMetricsServer(config.workerMetricsPort, config);
  log.info(`Worker ready at ${metricsServer.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    const unfinished = await stopInOrder(
      [
        ['jobs', () => worker.stop()],
        ['metrics', () => metricsServer.close()],
        ['mailer', () => mailer.close()],
        ['orm', () => orm.close()],
      ],
      config.shutdownTimeoutMs,
      log,
    );
    await stopTracing();
    process.exit(unfinished.length ? 1 : 0); // each unfinished step was logged
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
