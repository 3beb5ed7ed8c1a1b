/**
 * The bench's other read anchors, in one process of their own (`node dist/bench/anchors.js`, DATABASE_URL
 * set; started by bench/reads.ts), which prints `ready {"sql": ..., "apollo": ...}`:
 *   - sql: a bare node:http server sending our server's read statements through `pg` and shaping the same
 *     JSON answer (GraphQL's `data` envelope, the same fields and values), without GraphQL;
 *   - apollo: a bare Apollo Server 5 on Express 5 with a one-field schema, the anchor of `{ __typename }`.
 */
import 'reflect-metadata';
import http from 'node:http';
import express from 'express';
import { Pool } from 'pg';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { monthRange } from '../src/scheduling/availability';
import { daySummaryOf, slotRowOf } from '../src/scheduling/slot-reads';
import { monthSql, slotsSql, type RawMonthDay } from '../src/scheduling/slot-reads.sql';
import { MAX_ROWS } from '../src/graphql/limits';
import { announceReady, listen } from './support';

/** Our server's read statements (src/scheduling/slot-reads.sql.ts) for one service, at now(). */
const SLOTS_SQL = slotsSql('now()', 'array[$1::int]', '$2', '$3', String(MAX_ROWS.slots + 1));
/** Sent as a named prepared statement, as the server sends it (src/infra/orm.ts preparedRead). */
const MONTH_SQL = monthSql('now()', '$1', '$2::date', '$3::date');

async function slots(db: Pool, serviceId: number, from: string, to: string): Promise<unknown> {
  const { rows } = await db.query(SLOTS_SQL, [serviceId, from, to]);
  // The answer's fields: the row less its service, the id as GraphQL's ID (text); dates and Money serialise as ours do.
  return { slots: rows.map(slotRowOf).map(({ serviceId: _service, ...row }) => ({ ...row, id: String(row.id) })) };
}

async function availability(db: Pool, serviceId: number, month: string): Promise<unknown> {
  const { first, last } = monthRange(month);
  const { rows } = await db.query<RawMonthDay>({ name: 'month', text: MONTH_SQL, values: [serviceId, first, last] });
  return { availability: { month, days: rows.map(daySummaryOf) } };
}

async function sqlAnchor(db: Pool): Promise<string> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const serviceId = Number(url.searchParams.get('service'));
    const data =
      url.pathname === '/slots'
        ? await slots(db, serviceId, url.searchParams.get('from')!, url.searchParams.get('to')!)
        : await availability(db, serviceId, url.searchParams.get('month')!);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data }));
  });
  return listen(server);
}

async function bareApollo(): Promise<string> {
  const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }' });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  return `${await listen(http.createServer(app))}/graphql`;
}

async function main(): Promise<void> {
  // As many connections as our server's ORM pool (src/infra/orm.ts).
  const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  announceReady({ sql: await sqlAnchor(db), apollo: await bareApollo() });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
