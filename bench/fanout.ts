import type { Pool } from 'pg';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { CHANNELS, SlotChangeReason, type SlotsNotice } from '../src/live/live-events';
import { serverMetric } from '../test/support/server';
import { percentile, seed, table } from './support';

export const FANOUT_SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 5_000);
const FANOUT_HOT = 1_000;
const FANOUT_CHANGES = 20;

export async function fanOut(db: Pool, url: string): Promise<void> {
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
