import http from 'node:http';
import os from 'node:os';
import express from 'express';
import type { Pool } from 'pg';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { seatsAvailableSql } from '../src/scheduling/slot.entity';
import { listen, postJson, rate, READ_CLIENTS, READ_REQUESTS, seed, table } from './support';


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

export async function reads(db: Pool, url: string): Promise<void> {
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
