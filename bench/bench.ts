/**
 * npm run bench: measures the booking server on its own database and prints the figures as tables.
 *   1. contention: 200 concurrent one-seat `book` requests on one capacity-20 slot, split across two
 *      server processes;
 *   2. throughput: bookings per second on distinct slots with 16 concurrent HTTP clients, beside two floors
 *      sent straight to PostgreSQL with `pg`: the same writes as `book` as a transaction of separate
 *      statements, and a one-statement floor (take the seat, insert booking, slot link and audit row,
 *      notify); with the SQL round trips one `book` costs;
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
import { systemClock } from '../src/core/clock';
import { startEmbeddedPostgres, createDatabaseIfMissing } from '../src/core/database';
import { Tokens } from '../src/accounts/tokens';
import { SessionCheck } from '../src/accounts/session-check';
import { startServerProcess, type ServerProcess } from '../test/support/process';
import { JWT_SECRET, serverMetric } from '../test/support/server';
import { fanOut, FANOUT_SUBSCRIBERS } from './fanout';
import { reads } from './reads';
import { percentile, pool, seed, table } from './support';

const CONTENTION_REQUESTS = 200;
const CONTENTION_CAPACITY = 20;
const CLIENTS = 16;
const THROUGHPUT_BOOKINGS = 3_000;

interface Outcome {
  code: string;
  ms: number;
}

/** What a client that books needs back; richer selections add the reads of their fields. */
const BOOK = 'mutation Book($input: BookInput!) { book(input: $input) { id reference status } }';

async function book(url: string, token: string, slotId: number): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: BOOK, variables: { input: { slotIds: [String(slotId)], party: { adults: 1 } } } }),
  });
  const body = (await response.json()) as { errors?: { extensions: { code: string } }[] };
  return { code: body.errors ? body.errors[0].extensions.code : 'BOOKED', ms: performance.now() - started };
}

/** What `book` writes (seats, booking, slot link, audit, live notices, the mail and reminder jobs), as separate statements in a transaction. */
async function bookDirectly(db: Pool, customerId: number, slotId: number): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const taken = await client.query(
      `update slot set booked = booked + 1 where id = $1 and status = 'OPEN' and booked + held + 1 <= capacity returning service_id, starts_at, ends_at`,
      [slotId],
    );
    if (!taken.rowCount) throw new Error('slot full');
    const { service_id: serviceId, starts_at: startsAt, ends_at: endsAt } = taken.rows[0];
    const booking = await client.query(
      `insert into booking (reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total, currency, created_at, updated_at)
       values ($1, $2, $3, 'CONFIRMED', $4, $5, 1, 0, 0, '10', '0', '0', '10', 'EUR', now(), now()) returning id`,
      [reference(), serviceId, customerId, startsAt, endsAt],
    );
    const bookingId = booking.rows[0].id;
    await client.query(`insert into booking_slot (booking_id, slot_id, seats, unit_price) values ($1, $2, 1, '10')`, [
      bookingId,
      slotId,
    ]);
    await client.query(
      `insert into audit_entry (booking_id, action, actor_id, after, created_at) values ($1, 'booking.created', $2, '{}', now())`,
      [bookingId, customerId],
    );
    await client.query(`select pg_notify('live_slots', $1), pg_notify('live_bookings', $2)`, [
      JSON.stringify({ serviceId, slotIds: [slotId], reason: 'BOOKED', at: new Date().toISOString() }),
      JSON.stringify({ bookingId, at: new Date().toISOString() }),
    ]);
    await client.query(
      `select graphile_worker.add_job('booking_mail', json_build_object('bookingId', $1::int, 'kind', 'created', 'sequence', 0)),
              graphile_worker.add_job('booking_reminder', json_build_object('bookingId', $1::int), run_at => $2::timestamptz - interval '1 day', job_key => 'booking-reminder:' || $1)`,
      [bookingId, startsAt],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

const reference = () => `BK-BENCH-${Math.random().toString(36).slice(2, 12).toUpperCase()}`;

/** The one-statement floor: take the seat, insert booking, slot link and audit row, notify. */
async function bookInOneStatement(db: Pool, customerId: number, slotId: number): Promise<void> {
  const { rowCount } = await db.query(
    `with s as (update slot set booked = booked + 1 where id = $1 and status = 'OPEN' and booked + held + 1 <= capacity returning id, service_id, starts_at, ends_at),
          b as (insert into booking (reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total, currency, created_at, updated_at)
                select $2, service_id, $3, 'CONFIRMED', starts_at, ends_at, 1, 0, 0, '10', '0', '0', '10', 'EUR', now(), now() from s returning id),
          l as (insert into booking_slot (booking_id, slot_id, seats, unit_price) select b.id, s.id, 1, '10' from b, s returning 1),
          a as (insert into audit_entry (booking_id, action, actor_id, after, created_at) select id, 'booking.created', $3, '{}', now() from b returning 1)
     select pg_notify('live_slots', json_build_object('serviceId', s.service_id, 'slotIds', json_build_array(s.id), 'reason', 'BOOKED', 'at', now())::text) from s`,
    [slotId, reference(), customerId],
  );
  if (!rowCount) throw new Error('slot full');
}

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
  const db = new Pool({ connectionString: databaseUrl, max: CLIENTS });
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
    if (process.env.BENCH_ONLY === 'live') {
      await (await startServerProcess(env)).stop(); // a server migrates the database as it starts
      await fanOut(db, env);
      return;
    }
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    const tokens = new Tokens(JWT_SECRET, 60, systemClock, new SessionCheck(systemClock)); // only issues tokens here
    // Customers are seeded in SQL, and so are their sessions.
    const tokenOf = async (userId: number) => {
      const session = await db.query(
        `insert into session (user_id, refresh_hash, created_at, expires_at) values ($1, md5(random()::text), now(), now() + interval '1 day') returning id`,
        [userId],
      );
      return (await tokens.issue(userId, session.rows[0].id)).token;
    };

    if (process.env.BENCH_ONLY === 'reads') {
      await reads(db, databaseUrl, servers[1].url);
      return;
    }
    // 1. Contention.
    const contention = await seed(db, CONTENTION_REQUESTS, 2, CONTENTION_CAPACITY);
    const contentionTokens = await Promise.all(contention.customerIds.map(tokenOf));
    for (const server of servers) await book(server.url, contentionTokens[0], contention.slotIds[1]); // warm-up on the other slot
    const outcomes = await Promise.all(
      contentionTokens.map((token, i) => book(servers[i % 2].url, token, contention.slotIds[0])),
    );
    const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const byCode: Record<string, number> = {};
    for (const o of outcomes) byCode[o.code] = (byCode[o.code] ?? 0) + 1;
    const [{ booked }] = (await db.query('select booked from slot where id = $1', [contention.slotIds[0]])).rows;
    table(
      `1. Contention: ${CONTENTION_REQUESTS} concurrent one-seat bookings, one capacity-${CONTENTION_CAPACITY} slot, two server processes`,
      [
        ['bookings made', `${byCode.BOOKED ?? 0} (slot.booked = ${booked})`],
        ...Object.entries(byCode)
          .filter(([code]) => code !== 'BOOKED')
          .map(([code, n]): [string, number] => [`error ${code}`, n]),
        ['latency p50', `${percentile(latencies, 50).toFixed(1)} ms`],
        ['latency p99 (goal <= 250 ms)', `${percentile(latencies, 99).toFixed(1)} ms`],
      ],
    );

    // 2. Throughput on distinct slots.
    const http = await seed(db, THROUGHPUT_BOOKINGS, THROUGHPUT_BOOKINGS, 10);
    const httpTokens = await Promise.all(http.customerIds.map(tokenOf));
    await pool(200, CLIENTS, (i) => book(servers[0].url, httpTokens[i], http.slotIds[i])); // warm-up
    const httpFailures: string[] = [];
    const statementsBefore = await serverMetric(servers[0].url, 'db_statements_total');
    const httpSeconds = await pool(THROUGHPUT_BOOKINGS - 200, CLIENTS, async (i) => {
      const outcome = await book(servers[0].url, httpTokens[i + 200], http.slotIds[i + 200]);
      if (outcome.code !== 'BOOKED') httpFailures.push(outcome.code);
    });
    const statements = (await serverMetric(servers[0].url, 'db_statements_total')) - statementsBefore;
    const floor = async (write: (db: Pool, customerId: number, slotId: number) => Promise<void>) => {
      const seeded = await seed(db, THROUGHPUT_BOOKINGS, THROUGHPUT_BOOKINGS, 10);
      await pool(200, CLIENTS, (i) => write(db, seeded.customerIds[i], seeded.slotIds[i]));
      return (
        (THROUGHPUT_BOOKINGS - 200) /
        (await pool(THROUGHPUT_BOOKINGS - 200, CLIENTS, (i) =>
          write(db, seeded.customerIds[i + 200], seeded.slotIds[i + 200]),
        ))
      );
    };
    const directRate = await floor(bookDirectly);
    const oneStatementRate = await floor(bookInOneStatement);
    const httpRate = (THROUGHPUT_BOOKINGS - 200) / httpSeconds;
    table(
      `2. Throughput: distinct slots, ${CLIENTS} concurrent clients, ${THROUGHPUT_BOOKINGS - 200} bookings after 200 warm-up`,
      [
        [
          'GraphQL over HTTP (one process)',
          `${httpRate.toFixed(0)} bookings/s${httpFailures.length ? ` (${httpFailures.length} failed)` : ''}`,
        ],
        ['same writes via pg, statement by statement', `${directRate.toFixed(0)} bookings/s`],
        ['one-statement floor via pg', `${oneStatementRate.toFixed(0)} bookings/s`],
        ['ratio HTTP / same writes', `${(httpRate / directRate).toFixed(2)}`],
        ['ratio HTTP / one statement (goal >= 0.5)', `${(httpRate / oneStatementRate).toFixed(2)}`],
        ['SQL round trips per book (goal <= 3)', `${(statements / (THROUGHPUT_BOOKINGS - 200)).toFixed(1)}`],
      ],
    );

    await fanOut(db, env);
    await reads(db, databaseUrl, servers[1].url);
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
