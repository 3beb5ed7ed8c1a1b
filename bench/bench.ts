/**
 * npm run bench: measures the booking server on its own database and prints the figures as tables.
 *   1-2. the `book` write path, this tree against a baseline git ref (BENCH_BASELINE, default main) in
 *      alternating rounds of the same run (bench/write.ts): bookings/s of 16 clients on distinct slots beside
 *      the one-statement and statement-by-statement floors via `pg`, server and PostgreSQL CPU per booking
 *      read from /proc, round trips per book counted on the wire, 200 one-seat bookings on a capacity-20
 *      slot across two processes. BENCH_ONLY=write runs only this section;
 *   3. fan-out, against an anchor: a bare graphql-ws 6 server on ws 8 (bench/bare-live.ts), fed the same way
 *      (LISTEN on the slots channel, the changed rows loaded once per notice, an in-memory pub/sub, graphql-ws's
 *      default execute per subscriber). Each runs as a fresh process of its own, one after the other, on the
 *      same seeded services with the same client code: FANOUT_SUBSCRIBERS graphql-ws clients subscribe at once,
 *      FANOUT_HOT of them to the service that changes; the time until the server holds them all (goal <= 1.5x
 *      the anchor), its RSS and heap growth per idle subscriber, read after a full garbage collection (goal
 *      <= 1.2x), then a series of seat changes committed with their NOTIFY and the time from each COMMIT to
 *      its arrival at every subscriber of that service (p99 goal <= 100 ms and <= 1.5x the anchor).
 *      BENCH_ONLY=live runs only this section, BENCH_ONLY=reads only section 4; BENCH_NODE_OPTIONS reaches
 *      our server processes (e.g. `--require` a profiler).
 *   4. reads and HTTP: a month of one service's slots and its month availability, requests/s against
 *      PostGraphile v4 (a dev dependency) on the same tables in the same run: a set-returning SQL function of
 *      the month's slots with computed columns for free seats and price, and an SQL function of the month's
 *      days with our day totals and blackout rule (bench/postgraphile.ts); beside it, as information, the
 *      same SQL as our server sent through `pg` by a bare node:http server with the same JSON shaping; each
 *      anchor in its own process, their answers checked equal to ours before measuring; the same at 1k, 10k
 *      and 100k slots of the service; and `{ __typename }` against a bare Apollo Server 5 on Express 5.
 * The servers run without the in-process worker (WORKER=off), so that only requests are measured and counted.
 * BENCH_DATABASE_URL (a server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres) uses that server;
 * unset, an embedded PostgreSQL is started in a temporary folder and removed afterwards.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres, createDatabaseIfMissing } from '../src/infra/database';
import { startServerProcess, type ServerProcess } from '../test/support/process';
import { fanOut, FANOUT_SUBSCRIBERS } from './fanout';
import { reads } from './reads';
import { writePath } from './write';

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  let serverUrl = process.env.BENCH_DATABASE_URL;
  let cleanup = async () => {};
  if (!serverUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-bench-'));
    fs.chmodSync(dir, 0o755);
    const { cluster, port } = await startEmbeddedPostgres(path.join(dir, 'postgres'), log);
    serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    cleanup = async () => {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const dbName = `bench_${Date.now()}`;
  await createDatabaseIfMissing(serverUrl, dbName);
  const databaseUrl = serverUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const servers: ServerProcess[] = [];
  const db = new Pool({ connectionString: databaseUrl, max: 16 });
  try {
    // Every bench client comes from one address: the per-client socket cap is lifted for the fan-out.
    // BENCH_NODE_OPTIONS reaches our server processes, to profile them under the bench (node refuses --cpu-prof there).
    const env = {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
      WORKER: 'off',
      MAX_SOCKETS_PER_CLIENT: String(FANOUT_SUBSCRIBERS + 100),
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    };
    const { DATABASE_URL: _, ...writeEnv } = env; // each side of the A/B gets a database of its own
    if (process.env.BENCH_ONLY === 'write') {
      await writePath(serverUrl, writeEnv);
      return;
    }
    if (process.env.BENCH_ONLY === 'live') {
      await (await startServerProcess(env)).stop(); // a server migrates the database as it starts
      await fanOut(db, env);
      return;
    }
    servers.push(await startServerProcess(env));
    if (process.env.BENCH_ONLY === 'reads') {
      await reads(db, databaseUrl, servers[0].url);
      return;
    }
    await writePath(serverUrl, writeEnv);
    await fanOut(db, env);
    await reads(db, databaseUrl, servers[0].url);
  } finally {
    await db.end();
    await Promise.all(servers.map((server) => server.stop()));
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
