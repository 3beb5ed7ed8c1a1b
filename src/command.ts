import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { loadConfig, type Config } from './config';
import { ConfigError } from './core/errors';
import { openDatabase } from './infra/database';
import { createLogger } from './infra/logger';
import { openOrm } from './infra/orm';

/**
 * A one-off command on the server's database (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR, or in
 * `dataDir` when given, started and stopped around it): migrates first, as every process does, runs `work`,
 * and exits 0, or 1 with one line saying why.
 */
export async function runCommand(
  name: string,
  work: (deps: { config: Config; orm: MikroORM; log: Logger }) => Promise<void>,
  dataDir?: string,
): Promise<void> {
  try {
    const config = loadConfig();
    const log = createLogger(config.logLevel);
    const database = await openDatabase(config.databaseUrl, dataDir ?? config.dataDir, log);
    try {
      const orm = await openOrm(database.url, log, config);
      try {
        await work({ config, orm, log });
      } finally {
        await orm.close();
      }
    } finally {
      await database.stop();
    }
    process.exit(0);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `npm run ${name} failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
