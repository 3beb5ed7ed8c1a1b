import { stopTracing } from './tracing'; // first: it instruments the modules loaded after it
import { startApp } from './app';
import { loadConfig } from './config';
import { ConfigError } from './core/errors';

async function main(): Promise<void> {
  const app = await startApp(loadConfig());
  app.log.info(`Booking API ready at ${app.url}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal while stopping means "now": the operator has stopped waiting.
    if (stopping) process.exit(1);
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.stop().then(
      () => stopTracing().finally(() => process.exit(0)),
      (error) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
