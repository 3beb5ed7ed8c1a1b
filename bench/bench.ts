/**
 * npm run bench: measures the booking server on its own database and prints the figures as tables.
 *   1. contention: 200 concurrent one-seat `book` requests on one capacity-20 slot, split across two
 *      server processes;
 *   2. throughput: bookings per second on distinct slots with 16 concurrent HTTP clients, beside two floors
 *      sent straight to PostgreSQL with `pg`: the same writes as `book` as a transaction of separate
 *      statements, and a one-statement floor (take the seat, insert booking, slot link and audit row,
 *      notify); with the SQL round trips one `book` costs;
 *   3. fan-out: FANOUT_SUBSCRIBERS idle graphql-ws subscribers on one process, FANOUT_HOT of them on the
 *      service that changes; a series of seat changes committed with their NOTIFY, and the time from each
 *      COMMIT to its arrival at every subscriber of that service, with the server's memory per subscriber.
 *   4. reads and HTTP: a month of one service's slots and its month availability, requests/s against an
 *      anchor in the same run: the same SQL sent through `pg` by a bare node:http server with the same JSON
 *      shaping (PostGraphile is not used); the same at 1k, 10k and 100k slots of the service; and
 *      `{ __typename }` against a bare Apollo Server 5 on Express 5.
 * The servers run without the in-process worker (WORKER=off), so that only requests are measured and counted.
 * BENCH_DATABASE_URL (a server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres) uses that server;
 * unset, an embedded PostgreSQL is started in a temporary folder and removed afterwards.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { seatsAvailableSql } from '../src/scheduling/slot.entity';
import pino from 'pino';
import { systemClock } from '../src/core/clock';
import { startEmbeddedPostgres, createDatabaseIfMissing } from '../src/core/database';
import { CHANNELS, SlotChangeReason, type SlotsNotice } from '../src/live/live-events';
import { Tokens } from '../src/server/tokens';
import { startServerProcess, type ServerProcess } from '../test/support/process';
import { JWT_SECRET, serverMetric } from '../test/support/server';

const CONTENTION_REQUESTS = 200;
const CONTENTION_CAPACITY = 20;
const CLIENTS = 16;
const THROUGHPUT_BOOKINGS = 3_000;
const FANOUT_SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 5_000);
const FANOUT_HOT = 1_000;
const FANOUT_CHANGES = 20;

interface Outcome {
  code: string;
  ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function table(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}\n${'-'.repeat(title.length)}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
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

/** Runs `count` jobs with `clients` workers; returns the seconds it took. */
async function pool(count: number, clients: number, job: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function seed(db: Pool, customers: number, slots: number, capacity: number): Promise<{ customerIds: number[]; slotIds: number[] }> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const [{ id: userId }] = (await db.query(`insert into app_user (email, password_hash, name, role, timezone, created_at) values ($1, 'x', 'Bench owner', 'PROVIDER', 'UTC', now()) returning id`, [`owner-${suffix}@bench.test`])).rows;
  const [{ id: providerId }] = (await db.query(`insert into provider (user_id, name) values ($1, 'Bench owner') returning id`, [userId])).rows;
  const [{ id: serviceId }] = (
    await db.query(
      `insert into service (provider_id, name, timezone, duration_minutes, capacity, price_amount, currency, max_party_size, created_at)
       values ($1, 'Bench service', 'UTC', 60, $2, '10.00', 'EUR', 10, now()) returning id`,
      [providerId, capacity],
    )
  ).rows;
  const customerIds = (
    await db.query(
      `insert into app_user (email, password_hash, name, role, timezone, created_at)
       select 'c' || g || '-' || $2 || '@bench.test', 'x', 'Customer', 'CUSTOMER', 'UTC', now() from generate_series(1, $1) g returning id`,
      [customers, suffix],
    )
  ).rows.map((row) => row.id as number);
  const slotIds = (
    await db.query(
      `insert into slot (service_id, starts_at, ends_at, local_date, capacity)
       select $1, date_trunc('hour', now()) + (g || ' hours')::interval + interval '2 days',
              date_trunc('hour', now()) + (g || ' hours')::interval + interval '2 days 1 hour',
              (date_trunc('hour', now()) + (g || ' hours')::interval + interval '2 days')::date, $3
       from generate_series(1, $2) g returning id`,
      [serviceId, slots, capacity],
    )
  ).rows.map((row) => row.id as number);
  return { customerIds, slotIds: slotIds.sort((a, b) => a - b) };
}

/** What `book` writes (seats, booking, slot link, audit, live notices, the mail and reminder jobs), as separate statements in a transaction. */
async function bookDirectly(db: Pool, customerId: number, slotId: number): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const taken = await client.query(`update slot set booked = booked + 1 where id = $1 and status = 'OPEN' and booked + held + 1 <= capacity returning service_id, starts_at, ends_at`, [slotId]);
    if (!taken.rowCount) throw new Error('slot full');
    const { service_id: serviceId, starts_at: startsAt, ends_at: endsAt } = taken.rows[0];
    const booking = await client.query(
      `insert into booking (reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total, currency, created_at, updated_at)
       values ($1, $2, $3, 'CONFIRMED', $4, $5, 1, 0, 0, '10', '0', '0', '10', 'EUR', now(), now()) returning id`,
      [reference(), serviceId, customerId, startsAt, endsAt],
    );
    const bookingId = booking.rows[0].id;
    await client.query(`insert into booking_slot (booking_id, slot_id, seats, unit_price) values ($1, $2, 1, '10')`, [bookingId, slotId]);
    await client.query(`insert into audit_entry (booking_id, action, actor_id, after, created_at) values ($1, 'booking.created', $2, '{}', now())`, [bookingId, customerId]);
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

async function fanOut(db: Pool, url: string): Promise<void> {
  const hot = await seed(db, 1, FANOUT_CHANGES, 1_000);
  const quiet = await seed(db, 1, 1, 10);
  const [{ service_id: hotService }] = (await db.query('select service_id from slot where id = $1', [hot.slotIds[0]])).rows;
  const [{ service_id: quietService }] = (await db.query('select service_id from slot where id = $1', [quiet.slotIds[0]])).rows;
  const rssBefore = await serverMetric(url, 'process_resident_memory_bytes');
  const heapBefore = await serverMetric(url, 'nodejs_heap_size_used_bytes');
  const query = 'subscription($ids: [ID!]!) { availabilityChanged(serviceIds: $ids) { slot { id booked } } }';
  const received = new Map<number, number[]>(); // slot id -> arrival times
  const clients: Client[] = [];
  for (let i = 0; i < FANOUT_SUBSCRIBERS; i += 1) {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
    const serviceId = i < FANOUT_HOT ? hotService : quietService;
    client.subscribe<{ availabilityChanged: { slot: { id: string } } }>(
      { query, variables: { ids: [String(serviceId)] } },
      {
        next: (result) => {
          const slotId = Number(result.data?.availabilityChanged.slot.id);
          received.set(slotId, [...(received.get(slotId) ?? []), performance.now()]);
        },
        error: () => {},
        complete: () => {},
      },
    );
    clients.push(client);
  }
  const deadline = Date.now() + 120_000;
  while ((await serverMetric(url, 'live_subscriptions')) < FANOUT_SUBSCRIBERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const held = await serverMetric(url, 'live_subscriptions');
  const rssAfter = await serverMetric(url, 'process_resident_memory_bytes');
  const heapAfter = await serverMetric(url, 'nodejs_heap_size_used_bytes');

  const latencies: number[] = [];
  for (const slotId of hot.slotIds) {
    const client = await db.connect();
    await client.query('begin');
    await client.query('update slot set booked = booked + 1 where id = $1', [slotId]);
    const notice: SlotsNotice = { serviceId: hotService, slotIds: [slotId], reason: SlotChangeReason.BOOKED, at: new Date().toISOString() };
    await client.query('select pg_notify($1, $2)', [CHANNELS.slots, JSON.stringify(notice)]);
    const committing = performance.now();
    await client.query('commit');
    client.release();
    const until = Date.now() + 10_000;
    while ((received.get(slotId)?.length ?? 0) < FANOUT_HOT && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    latencies.push(...(received.get(slotId) ?? []).map((at) => at - committing));
  }
  latencies.sort((x, y) => x - y);
  const delivered = latencies.length;
  await Promise.all(clients.map((client) => client.dispose()));
  table(`3. Fan-out: ${FANOUT_SUBSCRIBERS} idle subscribers on one process, ${FANOUT_HOT} on the service that changes, ${FANOUT_CHANGES} changes`, [
    ['subscriptions held by the server', held],
    ['events delivered', `${delivered} of ${FANOUT_HOT * FANOUT_CHANGES}`],
    ['commit-to-delivery p50', `${percentile(latencies, 50).toFixed(1)} ms`],
    ['commit-to-delivery p99', `${percentile(latencies, 99).toFixed(1)} ms`],
    ['server memory per subscriber (RSS)', `${((rssAfter - rssBefore) / held / 1024).toFixed(1)} KiB`],
    ['server memory per subscriber (heap)', `${((heapAfter - heapBefore) / held / 1024).toFixed(1)} KiB`],
  ]);
}

const READ_CLIENTS = 8;
const READ_REQUESTS = 240;

/** Requests per second of `request` sent READ_REQUESTS times by READ_CLIENTS clients, after a warm-up. */
async function rate(request: () => Promise<unknown>): Promise<number> {
  await pool(READ_CLIENTS * 2, READ_CLIENTS, request);
  return READ_REQUESTS / (await pool(READ_REQUESTS, READ_CLIENTS, request));
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { errors?: unknown };
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The anchor of the reads: a bare node:http server that sends the same SQL through `pg` and shapes the
 * same JSON answer (GraphQL's `data` envelope, the same fields), without GraphQL.
 */
async function sqlAnchor(db: Pool): Promise<{ url: string; close(): void }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const serviceId = Number(url.searchParams.get('service'));
    let data: unknown;
    if (url.pathname === '/slots') {
      const { rows } = await db.query(
        `select s.id::text, s.starts_at, s.ends_at, s.capacity, s.booked, s.held, s.status, ${seatsAvailableSql('s', '$4')} as available,
                json_build_object('amount', coalesce(s.price_amount, v.price_amount)::numeric(14,2)::text, 'currency', v.currency) as price
           from slot s join service v on v.id = s.service_id where s.service_id = $1 and s.starts_at >= $2 and s.starts_at < $3 order by s.starts_at`,
        [serviceId, url.searchParams.get('from'), url.searchParams.get('to'), new Date()],
      );
      data = { slots: rows.map((row) => ({ id: row.id, startsAt: row.starts_at, endsAt: row.ends_at, capacity: row.capacity, booked: row.booked, held: row.held, status: row.status, available: row.available, price: row.price })) };
    } else {
      const month = url.searchParams.get('month')!;
      const { rows } = await db.query(
        `select d::date::text as date, count(s.id)::int as "slotCount", coalesce(sum(${seatsAvailableSql('s', '$3')}), 0)::int as "availableSpots",
                case when coalesce(sum(${seatsAvailableSql('s', '$3')}), 0) <= 0 or coalesce(sum(s.capacity), 0) <= 0 then 'NONE'
                     when sum(${seatsAvailableSql('s', '$3')}) * 2 >= sum(s.capacity) then 'HIGH'
                     when sum(${seatsAvailableSql('s', '$3')}) * 5 >= sum(s.capacity) then 'MEDIUM' else 'LOW' end as level,
                exists (select 1 from blackout b join service v on v.id = $1 where b.provider_id = v.provider_id and (b.service_id is null or b.service_id = $1) and d::date between b.starts_on and b.ends_on) as blackout
           from generate_series($2::date, ($2::date + interval '1 month' - interval '1 day'), interval '1 day') d
           left join slot s on s.service_id = $1 and s.local_date = d::date and s.status = 'OPEN'
          group by d order by d`,
        [serviceId, `${month}-01`, new Date()],
      );
      data = { availability: { month, days: rows } };
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data }));
  });
  const url = await listen(server);
  return { url, close: () => server.close() };
}

/** A bare Apollo Server 5 on Express 5 with a one-field schema: the anchor of `{ __typename }`. */
async function bareApollo(): Promise<{ url: string; close(): Promise<void> }> {
  const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }' });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const server = http.createServer(app);
  const url = await listen(server);
  return { url: `${url}/graphql`, close: async () => { await apollo.stop(); server.close(); } };
}

const SLOTS_QUERY = 'query($id: ID!, $from: DateTime!, $to: DateTime!) { slots(serviceId: $id, from: $from, to: $to) { id startsAt endsAt capacity booked held status available price { amount currency } } }';
const AVAILABILITY_QUERY = 'query($id: ID!, $month: String!) { availability(serviceId: $id, month: $month) { month days { date slotCount availableSpots level blackout } } }';

async function reads(db: Pool, url: string): Promise<void> {
  const anchor = await sqlAnchor(db);
  const apollo = await bareApollo();
  try {
    const month = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 7);
    const from = `${month}-01T00:00:00Z`;
    const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString();
    const rows: [string, string | number][] = [];
    for (const size of [1_000, 10_000, 100_000]) {
      const seeded = await seed(db, 1, size, 10); // hourly from two days ahead: the month measured is full at every size
      const [{ service_id: service }] = (await db.query('select service_id from slot where id = $1', [seeded.slotIds[0]])).rows;
      const slots = await rate(() => postJson(url, { query: SLOTS_QUERY, variables: { id: String(service), from, to } }));
      const availability = await rate(() => postJson(url, { query: AVAILABILITY_QUERY, variables: { id: String(service), month } }));
      if (size === 10_000) {
        const sqlSlots = await rate(() => fetch(`${anchor.url}/slots?service=${service}&from=${from}&to=${to}`).then((r) => r.json()));
        const sqlAvailability = await rate(() => fetch(`${anchor.url}/availability?service=${service}&month=${month}`).then((r) => r.json()));
        rows.push(
          ['month slot list: server / same SQL via pg', `${slots.toFixed(0)} / ${sqlSlots.toFixed(0)} req/s`],
          ['  ratio (goal >= 1.0)', (slots / sqlSlots).toFixed(2)],
          ['month availability: server / same SQL via pg', `${availability.toFixed(0)} / ${sqlAvailability.toFixed(0)} req/s`],
          ['  ratio (goal >= 1.0)', (availability / sqlAvailability).toFixed(2)],
        );
      }
      rows.push([`slot list / availability at ${size} slots (goal: flat)`, `${slots.toFixed(0)} / ${availability.toFixed(0)} req/s`]);
    }
    const ours = await rate(() => postJson(url, { query: '{ __typename }' }));
    const bare = await rate(() => postJson(apollo.url, { query: '{ __typename }' }));
    rows.push(['{ __typename }: server / bare Apollo 5 on Express 5', `${ours.toFixed(0)} / ${bare.toFixed(0)} req/s`], ['  ratio (goal >= 0.8)', (ours / bare).toFixed(2)]);
    rows.push(['load average (1, 5, 15 min)', os.loadavg().map((x) => x.toFixed(1)).join(', ')]);
    table(`4. Reads and HTTP: ${READ_CLIENTS} clients, ${READ_REQUESTS} requests per figure; anchors in this process`, rows);
  } finally {
    anchor.close();
    await apollo.close();
  }
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
    const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', WORKER: 'off', MAX_SOCKETS_PER_CLIENT: String(FANOUT_SUBSCRIBERS + 100) };
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    const tokens = new Tokens(JWT_SECRET, 60, systemClock);
    // Customers are seeded in SQL, and so are their sessions.
    const tokenOf = async (userId: number) => {
      const session = await db.query(
        `insert into session (user_id, refresh_hash, created_at, expires_at) values ($1, md5(random()::text), now(), now() + interval '1 day') returning id`,
        [userId],
      );
      return (await tokens.issue(userId, session.rows[0].id)).token;
    };

    if (process.env.BENCH_ONLY === 'reads') {
      await reads(db, servers[1].url);
      return;
    }
    // 1. Contention.
    const contention = await seed(db, CONTENTION_REQUESTS, 2, CONTENTION_CAPACITY);
    const contentionTokens = await Promise.all(contention.customerIds.map(tokenOf));
    for (const server of servers) await book(server.url, contentionTokens[0], contention.slotIds[1]); // warm-up on the other slot
    const outcomes = await Promise.all(contentionTokens.map((token, i) => book(servers[i % 2].url, token, contention.slotIds[0])));
    const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const byCode = outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o.code]: (counts[o.code] ?? 0) + 1 }), {});
    const [{ booked }] = (await db.query('select booked from slot where id = $1', [contention.slotIds[0]])).rows;
    table(`1. Contention: ${CONTENTION_REQUESTS} concurrent one-seat bookings, one capacity-${CONTENTION_CAPACITY} slot, two server processes`, [
      ['bookings made', `${byCode.BOOKED ?? 0} (slot.booked = ${booked})`],
      ...Object.entries(byCode).filter(([code]) => code !== 'BOOKED').map(([code, n]): [string, number] => [`error ${code}`, n]),
      ['latency p50', `${percentile(latencies, 50).toFixed(1)} ms`],
      ['latency p99 (goal <= 250 ms)', `${percentile(latencies, 99).toFixed(1)} ms`],
    ]);

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
      return (THROUGHPUT_BOOKINGS - 200) / (await pool(THROUGHPUT_BOOKINGS - 200, CLIENTS, (i) => write(db, seeded.customerIds[i + 200], seeded.slotIds[i + 200])));
    };
    const directRate = await floor(bookDirectly);
    const oneStatementRate = await floor(bookInOneStatement);
    const httpRate = (THROUGHPUT_BOOKINGS - 200) / httpSeconds;
    table(`2. Throughput: distinct slots, ${CLIENTS} concurrent clients, ${THROUGHPUT_BOOKINGS - 200} bookings after 200 warm-up`, [
      ['GraphQL over HTTP (one process)', `${httpRate.toFixed(0)} bookings/s${httpFailures.length ? ` (${httpFailures.length} failed)` : ''}`],
      ['same writes via pg, statement by statement', `${directRate.toFixed(0)} bookings/s`],
      ['one-statement floor via pg', `${oneStatementRate.toFixed(0)} bookings/s`],
      ['ratio HTTP / same writes', `${(httpRate / directRate).toFixed(2)}`],
      ['ratio HTTP / one statement (goal >= 0.5)', `${(httpRate / oneStatementRate).toFixed(2)}`],
      ['SQL round trips per book (goal <= 3)', `${(statements / (THROUGHPUT_BOOKINGS - 200)).toFixed(1)}`],
    ]);

    if (process.env.BENCH_ONLY !== 'reads') await fanOut(db, servers[0].url);
    await reads(db, servers[1].url);
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
