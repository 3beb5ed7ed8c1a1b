/**
 * The anchor of the fan-out (bench section 3): a bare graphql-ws 6 server on ws 8, run as its own process
 * like ours (`node dist/bench/bare-live.js`, DATABASE_URL and PORT from the environment), so that its
 * memory is measured the same way, from its /metrics. It is fed as ours is: one LISTEN on the slots
 * channel, the changed rows loaded once per notice in one query, and each row published to the service's
 * subscribers through a plain in-memory pub/sub; graphql-ws's default subscribe then executes the
 * selection for every subscriber. It prints `ready at <url>` as our server does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Client } from 'pg';
import { WebSocketServer } from 'ws';
import { CHANNELS, type SlotsNotice } from '../src/live/live-events';

interface SlotChange {
  slot: { id: string; booked: number };
}

/** The library baseline's pub/sub: a queue per subscriber, a set of subscribers per service. */
const subscribers = new Map<number, Set<(change: SlotChange) => void>>();
let held = 0;

function subscribe(serviceIds: number[]): AsyncIterableIterator<SlotChange> {
  const queue: SlotChange[] = [];
  let parked: ((result: IteratorResult<SlotChange>) => void) | undefined;
  const push = (change: SlotChange) => {
    if (parked) parked({ value: change, done: false });
    else queue.push(change);
    parked = undefined;
  };
  for (const id of serviceIds) subscribers.set(id, (subscribers.get(id) ?? new Set()).add(push));
  held += 1;
  const done = (): Promise<IteratorResult<SlotChange>> => {
    for (const id of serviceIds) subscribers.get(id)?.delete(push);
    held -= 1;
    parked?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () =>
      queue.length
        ? Promise.resolve({ value: queue.shift()!, done: false })
        : new Promise((resolve) => (parked = resolve)),
    return: done,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const Slot = new GraphQLObjectType({
  name: 'Slot',
  fields: { id: { type: new GraphQLNonNull(GraphQLID) }, booked: { type: new GraphQLNonNull(GraphQLInt) } },
});
const SlotChangeType = new GraphQLObjectType({
  name: 'SlotChange',
  fields: { slot: { type: new GraphQLNonNull(Slot) } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      availabilityChanged: {
        type: SlotChangeType,
        args: { serviceIds: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID))) } },
        subscribe: (_root, args: { serviceIds: string[] }) => subscribe(args.serviceIds.map(Number)),
        resolve: (change: SlotChange) => change,
      },
    },
  }),
});

async function main(): Promise<void> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const listener = new Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', async (message) => {
    const notice = JSON.parse(message.payload ?? '{}') as SlotsNotice;
    const targets = subscribers.get(notice.serviceId);
    if (!targets?.size) return;
    const { rows } = await db.query('select id::text, booked from slot where id = any($1) order by starts_at', [
      notice.slotIds,
    ]);
    for (const row of rows) {
      const change: SlotChange = { slot: { id: row.id, booked: row.booked } };
      for (const push of targets) push(change);
    }
  });
  await listener.query(`listen ${CHANNELS.slots}`);

  // The same figures under the same names as our server's /metrics (prom-client's defaults and live_subscriptions).
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    const memory = process.memoryUsage();
    res.end(
      `process_resident_memory_bytes ${memory.rss}\nnodejs_heap_size_used_bytes ${memory.heapUsed}\nlive_subscriptions ${held}\n`,
    );
  });
  useServer({ schema }, new WebSocketServer({ server, path: '/graphql' }));
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  console.log(JSON.stringify({ msg: `ready at http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })); // as our server logs it
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
