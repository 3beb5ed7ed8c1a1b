/**
 * Section 1 of the bench, the `book` write path, as an A/B in the same run: this tree's server against a
 * baseline built from a git ref (BENCH_BASELINE, default `main`; built once per commit into the temporary
 * folder, with this tree's node_modules), each on a database of its own in the same PostgreSQL, in
 * alternating rounds (BENCH_ROUNDS, default 3) so that both see the same machine. Per round and side:
 *   - throughput: WRITE_BOOKINGS bookings on distinct slots by 16 HTTP clients on one server process, each
 *     customer's session first seen by a query (as a customer looks at the slots before booking); measured
 *     on a settled process (after BENCH_SETTLE more unmeasured bookings in the first round: a young
 *     process spends a fifth more CPU a booking while V8 compiles its hot code), and in the first round
 *     also on the young process, its first WRITE_BOOKINGS after a warm-up of 200;
 *     beside it, on the same side's tables, the one-statement floor and the same writes statement by
 *     statement, sent straight to PostgreSQL with `pg`;
 *   - CPU per booking, read from /proc: the server process (all its threads) and the PostgreSQL backends
 *     that serve it (their pids from pg_stat_activity, matched by the proxy's ports); beside it, the
 *     database CPU of moving the bookings' jobs from the outbox into the queue, as the job runner does,
 *     and the database CPU per booking of the one-statement floor (every backend of the side's database);
 *   - round trips per booking counted on the wire: each server reaches PostgreSQL through a proxy of its
 *     own that counts the frontend messages (Query, Parse, Bind, Execute, Sync); a round trip is a simple
 *     Query or an extended-protocol Sync, so that prepared statements count too;
 *   - contention: 200 one-seat bookings on one capacity-20 slot, split across two server processes, the
 *     second having first booked as many as the first before its settled window.
 * Figures are printed as the median of the rounds with their range.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { systemClock } from '../src/core/clock';
import { createDatabaseIfMissing } from '../src/infra/database';
import { Tokens } from '../src/accounts/tokens';
import { SessionCheck } from '../src/accounts/session-check';
import { startServerProcess, type ServerProcess } from '../test/support/process';
import { JWT_SECRET } from '../test/support/server';
import { percentile, pool, seed, table } from './support';

const CONTENTION_REQUESTS = 200;
const CONTENTION_CAPACITY = 20;
const CLIENTS = 16;
const WRITE_BOOKINGS = Number(process.env.WRITE_BOOKINGS ?? 1_000);
const WARM_UP = 200;
/** Bookings a process serves after its young window before the settled one (unmeasured). */
const SETTLE = Number(process.env.BENCH_SETTLE ?? 4_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** What a client that books needs back; richer selections add the reads of their fields. */
const BOOK = 'mutation Book($input: BookInput!) { book(input: $input) { id reference status } }';

interface Outcome {
  code: string;
  ms: number;
}

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

/**
 * A signed-in customer's first request on a process: its session is checked once there, and trusted (until a
 * notice says otherwise) by the `book` that follows, as for a customer who looked at the slots first.
 */
async function lookAround(url: string, token: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  await response.json();
}

const reference = () => `BK-BENCH-${Math.random().toString(36).slice(2, 12).toUpperCase()}`;

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
      `insert into booking (reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total, currency, terms, lines, meeting_provider, created_at, updated_at)
       values ($1, $2, $3, 'CONFIRMED', $4, $5, 1, 0, 0, '10', '0', '0', '10', 'EUR', '{}', '[]', 'NONE', now(), now()) returning id`,
      [reference(), serviceId, customerId, startsAt, endsAt],
    );
    const bookingId = booking.rows[0].id;
    await client.query(`insert into booking_slot (booking_id, slot_id, seats, unit_price) values ($1, $2, 1, '10')`, [
      bookingId,
      slotId,
    ]);
    await client.query(
      `insert into audit_entry (subject_type, subject_id, booking_id, action, actor_id, after, created_at) values ('booking', $1, $1, 'booking.created', $2, '{}', now())`,
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

/** The one-statement floor: take the seat, insert booking, slot link and audit row, notify. */
async function bookInOneStatement(db: Pool, customerId: number, slotId: number): Promise<void> {
  const { rowCount } = await db.query(
    `with s as (update slot set booked = booked + 1 where id = $1 and status = 'OPEN' and booked + held + 1 <= capacity returning id, service_id, starts_at, ends_at),
          b as (insert into booking (reference, service_id, customer_id, status, starts_at, ends_at, adults, children, infants, subtotal, discount, tax, total, currency, terms, lines, meeting_provider, created_at, updated_at)
                select $2, service_id, $3, 'CONFIRMED', starts_at, ends_at, 1, 0, 0, '10', '0', '0', '10', 'EUR', '{}', '[]', 'NONE', now(), now() from s returning id),
          l as (insert into booking_slot (booking_id, slot_id, seats, unit_price) select b.id, s.id, 1, '10' from b, s returning 1),
          a as (insert into audit_entry (subject_type, subject_id, booking_id, action, actor_id, after, created_at) select 'booking', id, id, 'booking.created', $3, '{}', now() from b returning 1)
     select pg_notify('live_slots', json_build_object('serviceId', s.service_id, 'slotIds', json_build_array(s.id), 'reason', 'BOOKED', 'at', now())::text) from s`,
    [slotId, reference(), customerId],
  );
  if (!rowCount) throw new Error('slot full');
}

/** A TCP proxy to PostgreSQL that counts the frontend messages of the connections through it, by type. */
class CountingProxy {
  readonly counts = new Map<string, number>();
  /** The local ports of its connections to PostgreSQL: what pg_stat_activity shows as client_port. */
  readonly upstreamPorts = new Set<number>();
  private readonly server: net.Server;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.relay(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): void {
    this.server.close();
  }

  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  /** Round trips: each simple Query and each Sync of the extended protocol waits for PostgreSQL's answer. */
  get roundTrips(): number {
    return this.count('Q') + this.count('S');
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.target);
    upstream.once('connect', () => this.upstreamPorts.add(upstream.localPort!));
    let pending: Buffer = Buffer.alloc(0);
    let started = false; // the startup message (and an SSL request before it) has no type byte
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          started = pending.readInt32BE(4) !== 80877103; // an SSL request is followed by the startup message
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1) + 1;
        if (pending.length < length) break;
        const type = String.fromCharCode(pending[0]);
        this.counts.set(type, this.count(type) + 1);
        pending = pending.subarray(length);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }
}

/** CPU time of a process so far (user + system, all threads), in ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

/** The server source tree of a git ref, built once per commit (tsc only: the bench serves no page). */
function baselineTree(ref: string): { script: string; label: string } {
  const sha = execFileSync('git', ['rev-parse', ref]).toString().trim();
  const dir = path.join(os.tmpdir(), `booking-bench-base-${sha.slice(0, 12)}`);
  const script = path.join(dir, 'dist/src/main.js');
  if (!fs.existsSync(script)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C ${dir}`]);
    fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
    console.log(`building the baseline ${ref} (${sha.slice(0, 12)}) in ${dir}`);
    execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return { script, label: `${ref} (${sha.slice(0, 7)})` };
}

/**
 * Moves a side's job outbox into the queue as its job runner does (with that side's own code: its outbox is
 * of its own schema), answering the database CPU that took in ms; 0 where there is no outbox (a baseline
 * whose write queues its jobs itself).
 */
async function moveOutbox(side: Side): Promise<number> {
  const client = await side.db.connect();
  try {
    const [{ pid, outbox }] = (
      await client.query("select pg_backend_pid() as pid, to_regclass('job_outbox') is not null as outbox")
    ).rows;
    if (!outbox) return 0;
    const before = cpuMs(pid);
    await side.moveOutbox(client);
    return cpuMs(pid) - before;
  } finally {
    client.release();
  }
}

interface Side {
  label: string;
  db: Pool;
  /** The side's own job runner's outbox move (src/infra/job-outbox.ts of its tree). */
  moveOutbox: (client: PoolClient) => Promise<unknown>;
  servers: ServerProcess[];
  proxies: CountingProxy[];
  tokenOf: (userId: number) => Promise<string>;
}

/** A window's figures per booking (its rate per second). */
interface PerBooking {
  rate: number;
  serverCpu: number;
  pgCpu: number;
  roundTrips: number;
  parses: number;
}

interface RoundFigures {
  /** The process's first window (after WARM_UP bookings): its first round only. */
  young?: PerBooking;
  /** The window after SETTLE more bookings (the first round), or after the earlier rounds. */
  settled: PerBooking;
  moveCpu: number;
  /** The error codes of the throughput's bookings that failed. */
  failures: string[];
  oneStatement: number;
  /** PostgreSQL CPU per booking of the one-statement floor: the database's own cost of the same rows. */
  floorPgCpu: number;
  direct: number;
  booked: number;
  refusals: string;
  p50: number;
  p99: number;
}

async function startSide(label: string, script: string, serverUrl: string, env: Record<string, string>): Promise<Side> {
  const dbName = `bench_${label.replace(/\W+/g, '_')}_${Date.now()}`;
  await createDatabaseIfMissing(serverUrl, dbName);
  const databaseUrl = serverUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const target = new URL(databaseUrl);
  const outboxModule = path.resolve(path.dirname(script), 'infra/job-outbox.js');
  const side: Side = {
    label,
    moveOutbox: fs.existsSync(outboxModule) ? require(outboxModule).moveOutbox : async () => 0,
    db: new Pool({ connectionString: databaseUrl, max: CLIENTS }).on('error', (error) =>
      // An idle connection ended under the pool (the database stopping as the bench ends): pg's advice is to listen.
      console.warn(`${label}: an idle connection ended: ${error.message}`),
    ),
    servers: [],
    proxies: [],
    tokenOf: async () => '',
  };
  for (let i = 0; i < 2; i += 1) {
    // One after the other: the first migrates the database as it starts.
    const proxy = new CountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.listen());
    side.proxies.push(proxy);
    side.servers.push(await startServerProcess({ ...env, DATABASE_URL: proxied.toString() }, script));
  }
  const tokens = new Tokens(JWT_SECRET, 600, systemClock, new SessionCheck(systemClock)); // only issues tokens here
  side.tokenOf = async (userId: number) => {
    const session = await side.db.query(
      `insert into session (user_id, refresh_hash, created_at, expires_at) values ($1, md5(random()::text), now(), now() + interval '1 day') returning id`,
      [userId],
    );
    return (await tokens.issue(userId, session.rows[0].id)).token;
  };
  return side;
}

/**
 * CPU so far of the side's PostgreSQL backends, by pid: those that serve a server (through its proxy), or
 * every one of the side's database (`proxy` null: the floors, sent by the bench's own pool).
 */
async function backendCpu(side: Side, proxy: CountingProxy | null): Promise<Map<number, number>> {
  const { rows } = await side.db.query<{ pid: number; client_port: number }>(
    'select pid, client_port from pg_stat_activity where datname = current_database()',
  );
  return new Map(
    rows.filter((row) => !proxy || proxy.upstreamPorts.has(row.client_port)).map((row) => [row.pid, cpuMs(row.pid)]),
  );
}

/** CPU the backends of `before` (and any since) spent after it, in ms. */
async function backendCpuSince(side: Side, proxy: CountingProxy | null, before: Map<number, number>): Promise<number> {
  let ms = 0;
  for (const [pid, now] of await backendCpu(side, proxy)) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** What a window of the throughput measured: its time, and the server's and the database's CPU and traffic in it. */
interface Window {
  seconds: number;
  serverCpu: number;
  pgCpu: number;
  roundTrips: number;
  parses: number;
  /** The error codes of its bookings that failed. */
  failures: string[];
}

function perBooking(window: Window): PerBooking {
  return {
    rate: WRITE_BOOKINGS / window.seconds,
    serverCpu: window.serverCpu / WRITE_BOOKINGS,
    pgCpu: window.pgCpu / WRITE_BOOKINGS,
    roundTrips: window.roundTrips / WRITE_BOOKINGS,
    parses: window.parses / WRITE_BOOKINGS,
  };
}

/** Books WRITE_BOOKINGS distinct slots from `from` on (each customer's session seen before), measuring it all. */
async function measured(side: Side, seeded: Seeded, from: number): Promise<Window> {
  const [server] = side.servers;
  const [proxy] = side.proxies;
  const failures: string[] = [];
  const before = { server: cpuMs(server.child.pid!), pg: await backendCpu(side, proxy), proxy: new Map(proxy.counts) };
  const seconds = await pool(WRITE_BOOKINGS, CLIENTS, async (i) => {
    const outcome = await book(server.url, seeded.tokens[from + i], seeded.slotIds[from + i]);
    if (outcome.code !== 'BOOKED') failures.push(outcome.code);
  });
  const serverCpu = cpuMs(server.child.pid!) - before.server;
  const roundTrips = proxy.roundTrips - (before.proxy.get('Q') ?? 0) - (before.proxy.get('S') ?? 0);
  const parses = proxy.count('P') - (before.proxy.get('P') ?? 0);
  const pgCpu = await backendCpuSince(side, proxy, before.pg);
  return { seconds, serverCpu, pgCpu, roundTrips, parses, failures };
}

interface Seeded {
  slotIds: number[];
  tokens: string[];
}

/** `count` signed-in customers, the i-th having looked at the slots on `urlOf(i)`, and `slots` free slots. */
async function customers(
  side: Side,
  urlOf: (i: number) => string,
  count: number,
  { capacity = 10, slots = count } = {},
): Promise<Seeded> {
  const rows = await seed(side.db, count, slots, capacity);
  const tokens = await Promise.all(rows.customerIds.map(side.tokenOf));
  await pool(tokens.length, CLIENTS, (i) => lookAround(urlOf(i), tokens[i]));
  return { slotIds: rows.slotIds, tokens };
}

/** 200 one-seat bookings at once on one capacity-20 slot, split across the side's two processes. */
async function burst(side: Side): Promise<{ booked: number; refusals: string; p50: number; p99: number }> {
  const urlOf = (i: number) => side.servers[i % 2].url;
  const rows = await customers(side, urlOf, CONTENTION_REQUESTS, { capacity: CONTENTION_CAPACITY, slots: 2 });
  const { tokens } = rows;
  for (const s of side.servers) await book(s.url, tokens[0], rows.slotIds[1]); // warm-up on the other slot
  const outcomes = await Promise.all(tokens.map((token, i) => book(urlOf(i), token, rows.slotIds[0])));
  const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const byCode = new Map<string, number>();
  for (const outcome of outcomes) byCode.set(outcome.code, (byCode.get(outcome.code) ?? 0) + 1);
  const [{ booked }] = (await side.db.query('select booked from slot where id = $1', [rows.slotIds[0]])).rows;
  return {
    booked: Number(booked),
    refusals: [...byCode].map(([code, n]) => `${n} ${code}`).join(', '),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function round(side: Side, first: boolean): Promise<RoundFigures> {
  const [server] = side.servers;
  // A process's first round books WARM_UP, measures its young window, then books SETTLE more: from then
  // on each round measures a process that has settled, its hot code compiled, as a server that has run.
  const young = first ? WARM_UP : 0;
  const settled = first ? young + WRITE_BOOKINGS + SETTLE : 0;
  const seeded = await customers(side, () => server.url, settled + WRITE_BOOKINGS);
  const unmeasured = (from: number, count: number) =>
    pool(count, CLIENTS, (i) => book(server.url, seeded.tokens[from + i], seeded.slotIds[from + i]));
  await unmeasured(0, young);
  const youngWindow = first ? await measured(side, seeded, young) : undefined;
  if (first) await unmeasured(young + WRITE_BOOKINGS, SETTLE);
  await moveOutbox(side); // the earlier bookings' jobs
  const window = await measured(side, seeded, settled);
  const moveCpu = await moveOutbox(side);
  const floor = async (write: (db: Pool, customerId: number, slotId: number) => Promise<void>) => {
    const rows = await seed(side.db, WRITE_BOOKINGS + WARM_UP, WRITE_BOOKINGS + WARM_UP, 10);
    if (first) await pool(WARM_UP, CLIENTS, (i) => write(side.db, rows.customerIds[i], rows.slotIds[i]));
    const cpuBefore = await backendCpu(side, null);
    const took = await pool(WRITE_BOOKINGS, CLIENTS, (i) =>
      write(side.db, rows.customerIds[WARM_UP + i], rows.slotIds[WARM_UP + i]),
    );
    return { rate: WRITE_BOOKINGS / took, pgCpu: (await backendCpuSince(side, null, cpuBefore)) / WRITE_BOOKINGS };
  };
  const oneStatement = await floor(bookInOneStatement);
  const direct = (await floor(bookDirectly)).rate;

  // The second process has served no booking yet (the first served the throughput's): in the first round it
  // books as many as the first had before its settled window, so that the burst meets two processes whose
  // code is compiled, as in a running system.
  const [, second] = side.servers;
  if (first) {
    const warm = await customers(side, () => second.url, settled);
    await pool(settled, CLIENTS, (i) => book(second.url, warm.tokens[i], warm.slotIds[i]));
  }

  const contention = await burst(side);
  return {
    young: youngWindow && perBooking(youngWindow),
    settled: perBooking(window),
    moveCpu: moveCpu / WRITE_BOOKINGS,
    failures: [...(youngWindow?.failures ?? []), ...window.failures],
    oneStatement: oneStatement.rate,
    floorPgCpu: oneStatement.pgCpu,
    direct,
    ...contention,
  };
}

/** Median of the rounds with their range. */
function spread(values: number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)].toFixed(digits);
  return sorted.length > 1 ? `${median} (${sorted[0].toFixed(digits)}–${sorted.at(-1)!.toFixed(digits)})` : median;
}

export async function writePath(serverUrl: string, env: Record<string, string>): Promise<void> {
  const baseline = baselineTree(process.env.BENCH_BASELINE ?? 'main');
  const sides: Side[] = [];
  try {
    sides.push(await startSide(baseline.label, baseline.script, serverUrl, env));
    sides.push(await startSide('this tree', 'dist/src/main.js', serverUrl, env));
    const figures = sides.map((): RoundFigures[] => []);
    for (let r = 0; r < ROUNDS; r += 1) {
      // Alternating which side goes first, so that neither always runs on a warmer (or busier) machine.
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) figures[i].push(await round(sides[i], r === 0));
    }
    // A young figure comes from the first round alone; the others are the median of every round.
    const of = (i: number, pick: (f: RoundFigures) => number | undefined, digits: number) =>
      spread(
        figures[i].map(pick).filter((value) => value !== undefined),
        digits,
      );
    const row = (label: string, pick: (f: RoundFigures) => number | undefined, digits = 2): [string, string] => [
      label,
      sides.map((_, i) => of(i, pick, digits)).join('  |  '),
    ];
    const settled = `after ${WARM_UP + WRITE_BOOKINGS + SETTLE}+`;
    table(
      `1. book, A/B in the same run (${ROUNDS} alternating rounds, median (range)): ${sides.map((s) => s.label).join('  |  ')}`,
      [
        row(
          `bookings/s, ${CLIENTS} clients, distinct slots, one process ${settled} bookings`,
          (f) => f.settled.rate,
          0,
        ),
        row(`  the same, its first ${WRITE_BOOKINGS} after ${WARM_UP} (first round)`, (f) => f.young?.rate, 0),
        row(`server CPU per booking, ms, ${settled} bookings (goal <= 1.2)`, (f) => f.settled.serverCpu),
        row(`  the same, its first ${WRITE_BOOKINGS} after ${WARM_UP}`, (f) => f.young?.serverCpu),
        row(`PostgreSQL CPU per booking, ms, ${settled} bookings (goal <= 2.0)`, (f) => f.settled.pgCpu),
        row(`  the same, its first ${WRITE_BOOKINGS} after ${WARM_UP}`, (f) => f.young?.pgCpu),
        row('  + moving its job from the outbox to the queue (job runner, batched), ms', (f) => f.moveCpu),
        row('  = PostgreSQL CPU per booking with its job queued, ms', (f) => f.settled.pgCpu + f.moveCpu),
        row('PostgreSQL CPU per booking of the one-statement floor, ms', (f) => f.floorPgCpu),
        row("ratio of the PostgreSQL CPU to the floor's", (f) => (f.settled.pgCpu + f.moveCpu) / f.floorPgCpu),
        row('round trips per book on the wire (goal <= 2)', (f) => f.settled.roundTrips),
        row('Parse messages per book', (f) => f.settled.parses),
        row('one-statement floor via pg, bookings/s', (f) => f.oneStatement, 0),
        row('ratio to the one-statement floor (goal >= 0.3)', (f) => f.settled.rate / f.oneStatement),
        row('  the same, the young window', (f) => f.young && f.young.rate / f.oneStatement),
        row('same writes statement by statement via pg, bookings/s', (f) => f.direct, 0),
        row('ratio to the statement-by-statement writes', (f) => f.settled.rate / f.direct),
        row(
          `contention: booked of ${CONTENTION_REQUESTS} on ${CONTENTION_CAPACITY} seats, 2 processes`,
          (f) => f.booked,
          0,
        ),
        row('contention p50, ms', (f) => f.p50, 0),
        row('contention p99, ms (goal <= 400)', (f) => f.p99, 0),
      ],
    );
    for (const [i, side] of sides.entries()) {
      const failed = figures[i].flatMap((f) => f.failures);
      console.log(
        `${side.label}: contention outcomes ${figures[i].map((f) => f.refusals).join(' / ')}${failed.length ? `; ${failed.length} throughput bookings failed: ${failed.join(', ')}` : ''}`,
      );
    }
  } finally {
    for (const side of sides) {
      await Promise.all(side.servers.map((server) => server.stop()));
      for (const proxy of side.proxies) proxy.close();
      await side.db.end();
    }
  }
}
