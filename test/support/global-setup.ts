import 'reflect-metadata';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import pino from 'pino';
import { ConfigError } from '../../src/core/errors';
import { startEmbeddedPostgres } from '../../src/infra/database';
import { migrate } from '../../src/infra/migrate';
import { ormOptions } from '../../src/infra/orm';

/**
 * One PostgreSQL server for the whole run: TEST_DATABASE_URL (a server URL, e.g.
 * postgres://postgres@127.0.0.1:5432/postgres) when given, else an embedded one under .data/. The
 * migrations run once, into a template database; each test file's database is a copy of it
 * (`create database ... template`), so no test file migrates from scratch.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) {
    const dir = path.resolve('.data', `test-postgres-${process.pid}`);
    const { cluster, port } = await startEmbeddedPostgres(dir, pino({ level: 'warn' })).catch((error: unknown) => {
      if (!(error instanceof ConfigError)) throw error;
      // One line saying what to do, not a stack from Jest.
      console.error(error.message);
      process.exit(1);
    });
    (globalThis as Record<string, unknown>).__testCluster = { cluster, dir };
    process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  process.env.TEST_TEMPLATE_DATABASE = await migratedTemplate(process.env.TEST_DATABASE_URL);
}

async function migratedTemplate(serverUrl: string): Promise<string> {
  const name = `t_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const orm = await MikroORM.init(ormOptions(url.toString()));
  try {
    await migrate(url.toString(), orm, pino({ level: 'warn' }));
  } finally {
    await orm.close();
  }
  // The ORM's metadata lives on globalThis; a test file run in this process (in band) would see Jest copy
  // it into its sandbox, as a foreign realm's objects, and MikroORM.init would fail there.
  for (const key of Object.keys(globalThis))
    if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  return name;
}
