import type { Pool } from 'pg';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CHANNELS, SlotChangeReason, type SlotsNotice } from '../src/live/live-events';
import { startServerProcess, type ServerProcess } from '../test/support/process';
import { serverMetric } from '../test/support/server';
import { percentile, seed, table } from './support';

export const FANOUT_SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 5_000);
const FANOUT_HOT = 1_000;
const FANOUT_CHANGES = 20;

interface Figures {
  held: number;
  connectSeconds: number;
  rssPerSubscriber: number;
  heapPerSubscriber: number;
  delivered: number;
  p50: number;
  p99: number;
  /** Why clients that were not held left: close codes and errors, with their counts. */
  lost: Map<string, number>;
}

interface Seeded {
  hotService: number;
  quietService: number;
  hotSlots: number[];
}

/**
 * One server under the fan-out: FANOUT_SUBSCRIBERS clients subscribe at once (FANOUT_HOT of them to the
 * service that changes), the time until the server holds them all and its memory per subscriber; then
 * FANOUT_CHANGES seat changes, each committed with its NOTIFY, timed from COMMIT to every arrival.
 */
async function measure(db: Pool, server: ServerProcess, seeded: Seeded): Promise<Figures> {
  const url = server.url;
  await collectGarbage(server);
  const rssBefore = await serverMetric(url, 'process_resident_memory_bytes');
  const heapBefore = await serverMetric(url, 'nodejs_heap_size_used_bytes');
  const query = 'subscription($ids: [ID!]!) { availabilityChanged(serviceIds: $ids) { slot { id booked } } }';
  const received = new Map<number, number[]>(seeded.hotSlots.map((id) => [id, []])); // slot id -> arrival times
  const clients: Client[] = [];
  const lost = new Map<string, number>();
  const lose = (why: string) => lost.set(why, (lost.get(why) ?? 0) + 1);
  const connecting = performance.now();
  for (let i = 0; i < FANOUT_SUBSCRIBERS; i += 1) {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
    });
    const serviceId = i < FANOUT_HOT ? seeded.hotService : seeded.quietService;
    client.subscribe<{ availabilityChanged: { slot: { id: string } } }>(
      { query, variables: { ids: [String(serviceId)] } },
      {
        next: (result) => received.get(Number(result.data?.availabilityChanged.slot.id))?.push(performance.now()),
        error: (error) =>
          lose(
            error instanceof Error
              ? error.message
              : 'code' in (error as object)
                ? `closed ${(error as { code: number }).code} ${(error as { reason: string }).reason}`
                : JSON.stringify(error),
          ),
        complete: () => {},
      },
    );
    clients.push(client);
  }
  const deadline = Date.now() + 120_000;
  let held = await serverMetric(url, 'live_subscriptions');
  while (held < FANOUT_SUBSCRIBERS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    held = await serverMetric(url, 'live_subscriptions');
  }
  const connectSeconds = (performance.now() - connecting) / 1000;
  await collectGarbage(server);
  const rssAfter = await serverMetric(url, 'process_resident_memory_bytes');
  const heapAfter = await serverMetric(url, 'nodejs_heap_size_used_bytes');

  const latencies: number[] = [];
  for (const slotId of seeded.hotSlots) {
    const arrivals = received.get(slotId)!;
    const client = await db.connect();
    await client.query('begin');
    await client.query('update slot set booked = booked + 1 where id = $1', [slotId]);
    const notice: SlotsNotice = {
      serviceId: seeded.hotService,
      slotIds: [slotId],
      reason: SlotChangeReason.BOOKED,
      at: new Date().toISOString(),
    };
    await client.query('select pg_notify($1, $2)', [CHANNELS.slots, JSON.stringify(notice)]);
    const committing = performance.now();
    await client.query('commit');
    client.release();
    const until = Date.now() + 10_000;
    while (arrivals.length < FANOUT_HOT && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    latencies.push(...arrivals.map((at) => at - committing));
  }
  latencies.sort((x, y) => x - y);
  await Promise.all(clients.map((client) => client.dispose()));
  return {
    held,
    connectSeconds,
    rssPerSubscriber: (rssAfter - rssBefore) / held,
    heapPerSubscriber: (heapAfter - heapBefore) / held,
    delivered: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lost,
  };
}

/**
 * A full garbage collection in the server, through its inspector (`--inspect=127.0.0.1:0`), before its
 * memory is read: what the subscribers hold, not the garbage their connecting left behind.
 */
async function collectGarbage(server: ServerProcess): Promise<void> {
  const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(server.output())?.[1];
  if (!inspector) throw new Error('the server was started without --inspect');
  const socket = new WebSocket(inspector);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
  await new Promise((resolve) =>
    socket.on('message', (data) => JSON.parse(String(data)).id === 1 && resolve(undefined)),
  );
  socket.close();
}

async function measured(
  db: Pool,
  script: string | undefined,
  env: Record<string, string>,
  seeded: Seeded,
): Promise<Figures> {
  const server = await startServerProcess(
    { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() },
    script,
  );
  try {
    return await measure(db, server, seeded);
  } finally {
    await server.stop();
  }
}

/**
 * Section 3: our server (a fresh process, `env`) against a bare graphql-ws server (bench/bare-live.ts,
 * also its own process), one after the other on the same seeded services, with the same clients.
 */
export async function fanOut(db: Pool, env: Record<string, string>): Promise<void> {
  const hot = await seed(db, 1, FANOUT_CHANGES, 1_000);
  const quiet = await seed(db, 1, 1, 10);
  const serviceOf = async (slotId: number) =>
    (await db.query('select service_id from slot where id = $1', [slotId])).rows[0].service_id as number;
  const seeded: Seeded = {
    hotService: await serviceOf(hot.slotIds[0]),
    quietService: await serviceOf(quiet.slotIds[0]),
    hotSlots: hot.slotIds,
  };
  const anchor = await measured(db, 'dist/bench/bare-live.js', { DATABASE_URL: env.DATABASE_URL }, seeded);
  const ours = await measured(db, undefined, env, seeded);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const versus = (
    label: string,
    mine: number,
    bare: number,
    show: (value: number) => string,
    goal?: number,
  ): [string, string] => [
    label,
    `${show(mine).padStart(10)}  ${show(bare).padStart(10)}  ${(mine / bare).toFixed(2)}x${goal ? ` (goal <= ${goal}x)` : ''}`,
  ];
  table(
    `3. Fan-out: ${FANOUT_SUBSCRIBERS} idle subscribers on one process, ${FANOUT_HOT} on the service that changes, ${FANOUT_CHANGES} changes; ours against bare graphql-ws`,
    [
      ['', `${'ours'.padStart(10)}  ${'bare'.padStart(10)}  ratio`],
      ['subscriptions held', `${String(ours.held).padStart(10)}  ${String(anchor.held).padStart(10)}`],
      versus(
        `time to connect and hold all`,
        ours.connectSeconds,
        anchor.connectSeconds,
        (s) => `${s.toFixed(2)} s`,
        1.5,
      ),
      versus('memory per idle subscriber (RSS)', ours.rssPerSubscriber, anchor.rssPerSubscriber, kib, 1.2),
      versus('memory per idle subscriber (heap)', ours.heapPerSubscriber, anchor.heapPerSubscriber, kib, 1.2),
      [
        'events delivered',
        `${String(ours.delivered).padStart(10)}  ${String(anchor.delivered).padStart(10)}  of ${FANOUT_HOT * FANOUT_CHANGES}`,
      ],
      versus('commit-to-delivery p50', ours.p50, anchor.p50, ms),
      versus('commit-to-delivery p99 (goal <= 100 ms)', ours.p99, anchor.p99, ms, 1.5),
      ...[...ours.lost].map(([why, count]): [string, string] => [`ours lost: ${why}`, String(count)]),
      ...[...anchor.lost].map(([why, count]): [string, string] => [`bare lost: ${why}`, String(count)]),
    ],
  );
}
