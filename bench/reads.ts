import os from 'node:os';
import type { Pool } from 'pg';
import { installAnchorSchema } from './anchor-schema';
import { postJson, rate, READ_CLIENTS, READ_REQUESTS, seed, startChild, table } from './support';

const SLOTS_QUERY =
  'query($id: ID!, $from: DateTime!, $to: DateTime!) { slots(serviceId: $id, from: $from, to: $to) { id startsAt endsAt capacity booked held status available price { amount currency } } }';
const AVAILABILITY_QUERY =
  'query($id: ID!, $month: String!) { availability(serviceId: $id, month: $month) { month days { date slotCount availableSpots level blackout } } }';
/** The same reads of PostGraphile (bench/postgraphile.ts, bench/anchor-schema.ts). */
const PG_SLOTS_QUERY =
  'query($id: Int!, $from: Datetime!, $to: Datetime!) { benchMonthSlotsList(serviceId: $id, from: $from, to: $to) { id startsAt endsAt capacity booked held status available price { amount currency } } }';
const PG_SLOT_ROWS_QUERY =
  'query($id: Int!, $from: Datetime!, $to: Datetime!) { benchMonthSlotRowsList(serviceId: $id, from: $from, to: $to) { id startsAt endsAt capacity booked held status available price { amount currency } } }';
const PG_AVAILABILITY_QUERY =
  'query($id: Int!, $month: String!) { benchMonthAvailabilityList(serviceId: $id, month: $month) { date slotCount availableSpots level blackout } }';
const PG_MONTH_STATEMENT_QUERY =
  'query($id: Int!, $month: String!) { benchMonthStatementList(serviceId: $id, month: $month) { date slotCount availableSpots level blackout } }';

interface SlotAnswer {
  id: string | number;
  startsAt: string;
  endsAt: string;
  capacity: number;
  booked: number;
  held: number;
  status: string;
  available: number;
  price: { amount: string; currency: string };
}

interface DayAnswer {
  date: string;
  slotCount: number;
  availableSpots: number;
  level: string;
  blackout: boolean;
}

/** A slot's values, whatever their spelling: ids as text, instants as epoch milliseconds. */
const slotValues = (s: SlotAnswer) =>
  JSON.stringify([
    String(s.id),
    Date.parse(s.startsAt),
    Date.parse(s.endsAt),
    s.capacity,
    s.booked,
    s.held,
    s.status,
    s.available,
    s.price.amount,
    s.price.currency,
  ]);
const dayValues = (d: DayAnswer) => JSON.stringify([d.date, d.slotCount, d.availableSpots, d.level, d.blackout]);

/** Throws, naming the first differing row, unless `answer` has the rows of `ours`, value for value. */
function sameRows(what: string, ours: string[], answer: string[]): void {
  if (ours.length !== answer.length) throw new Error(`${what}: ${answer.length} rows, ours ${ours.length}`);
  const at = ours.findIndex((row, i) => row !== answer[i]);
  if (at >= 0) throw new Error(`${what}: row ${at} is ${answer[at]}, ours ${ours[at]}`);
}

const getJson = (url: string) => fetch(url).then((r) => r.json() as Promise<{ data: Record<string, unknown> }>);

/**
 * Gives the service's month some variety (seats taken, a price of its own needing rounding, a two-day
 * blackout) and checks that PostGraphile and the pg anchor answer both reads with our values.
 */
async function checkAnswers(
  db: Pool,
  reads: { ours: string; postgraphile: string; sql: string },
  service: number,
  month: string,
  from: string,
  to: string,
): Promise<void> {
  await db.query(
    `update slot set booked = id % 4, price_amount = case when id % 7 = 0 then 12.345 end where service_id = $1 and starts_at >= $2 and starts_at < $3`,
    [service, from, to],
  );
  await db.query(
    `insert into blackout (provider_id, service_id, starts_on, ends_on, kind, name, created_at)
     select provider_id, id, $2::date + 20, $2::date + 21, 'HOLIDAY', 'Bench blackout', now() from service where id = $1`,
    [service, `${month}-01`],
  );
  const ours = (await postJson(reads.ours, { query: SLOTS_QUERY, variables: { id: String(service), from, to } })) as {
    data: { slots: SlotAnswer[] };
  };
  const graphile = (await postJson(reads.postgraphile, {
    query: PG_SLOTS_QUERY,
    variables: { id: service, from, to },
  })) as { data: { benchMonthSlotsList: SlotAnswer[] } };
  const graphileRows = (await postJson(reads.postgraphile, {
    query: PG_SLOT_ROWS_QUERY,
    variables: { id: service, from, to },
  })) as { data: { benchMonthSlotRowsList: SlotAnswer[] } };
  const sql = (await getJson(`${reads.sql}/slots?service=${service}&from=${from}&to=${to}`)) as {
    data: { slots: SlotAnswer[] };
  };
  sameRows(
    'PostGraphile month slots',
    ours.data.slots.map(slotValues),
    graphile.data.benchMonthSlotsList.map(slotValues),
  );
  sameRows(
    'PostGraphile month slot rows',
    ours.data.slots.map(slotValues),
    graphileRows.data.benchMonthSlotRowsList.map(slotValues),
  );
  sameRows('pg anchor month slots', ours.data.slots.map(slotValues), sql.data.slots.map(slotValues));
  const ourDays = (await postJson(reads.ours, {
    query: AVAILABILITY_QUERY,
    variables: { id: String(service), month },
  })) as { data: { availability: { days: DayAnswer[] } } };
  const graphileDays = (await postJson(reads.postgraphile, {
    query: PG_AVAILABILITY_QUERY,
    variables: { id: service, month },
  })) as { data: { benchMonthAvailabilityList: DayAnswer[] } };
  const graphileStatementDays = (await postJson(reads.postgraphile, {
    query: PG_MONTH_STATEMENT_QUERY,
    variables: { id: service, month },
  })) as { data: { benchMonthStatementList: DayAnswer[] } };
  const sqlDays = (await getJson(`${reads.sql}/availability?service=${service}&month=${month}`)) as {
    data: { availability: { days: DayAnswer[] } };
  };
  sameRows(
    'PostGraphile month availability',
    ourDays.data.availability.days.map(dayValues),
    graphileDays.data.benchMonthAvailabilityList.map(dayValues),
  );
  sameRows(
    'PostGraphile month statement',
    ourDays.data.availability.days.map(dayValues),
    graphileStatementDays.data.benchMonthStatementList.map(dayValues),
  );
  sameRows(
    'pg anchor month availability',
    ourDays.data.availability.days.map(dayValues),
    sqlDays.data.availability.days.map(dayValues),
  );
}

export async function reads(db: Pool, databaseUrl: string, url: string): Promise<void> {
  await installAnchorSchema(db);
  const [postgraphile, anchors] = await Promise.all([
    startChild<{ url: string }>('postgraphile', { DATABASE_URL: databaseUrl }),
    startChild<{ sql: string; apollo: string }>('anchors', { DATABASE_URL: databaseUrl }),
  ]);
  try {
    const month = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 7);
    const from = `${month}-01T00:00:00Z`;
    const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString();
    const rows: [string, string | number][] = [];
    for (const size of [1_000, 10_000, 100_000]) {
      const seeded = await seed(db, 1, size, 10); // hourly from two days ahead: the month measured is full at every size
      const [{ service_id: service }] = (
        await db.query('select service_id from slot where id = $1', [seeded.slotIds[0]])
      ).rows;
      if (size === 1_000)
        await checkAnswers(
          db,
          { ours: url, postgraphile: postgraphile.ready.url, sql: anchors.ready.sql },
          service,
          month,
          from,
          to,
        );
      const slots = await rate(() =>
        postJson(url, { query: SLOTS_QUERY, variables: { id: String(service), from, to } }),
      );
      const availability = await rate(() =>
        postJson(url, { query: AVAILABILITY_QUERY, variables: { id: String(service), month } }),
      );
      if (size === 10_000) {
        const graphileSlots = await rate(() =>
          postJson(postgraphile.ready.url, { query: PG_SLOTS_QUERY, variables: { id: service, from, to } }),
        );
        const graphileAvailability = await rate(() =>
          postJson(postgraphile.ready.url, { query: PG_AVAILABILITY_QUERY, variables: { id: service, month } }),
        );
        const graphileMonthStatement = await rate(() =>
          postJson(postgraphile.ready.url, { query: PG_MONTH_STATEMENT_QUERY, variables: { id: service, month } }),
        );
        const graphileSlotRows = await rate(() =>
          postJson(postgraphile.ready.url, { query: PG_SLOT_ROWS_QUERY, variables: { id: service, from, to } }),
        );
        const sqlSlots = await rate(() =>
          getJson(`${anchors.ready.sql}/slots?service=${service}&from=${from}&to=${to}`),
        );
        const sqlAvailability = await rate(() =>
          getJson(`${anchors.ready.sql}/availability?service=${service}&month=${month}`),
        );
        rows.push(
          [
            'month slot list: server / PostGraphile v4 / same SQL via pg',
            `${slots.toFixed(0)} / ${graphileSlots.toFixed(0)} / ${sqlSlots.toFixed(0)} req/s`,
          ],
          ['  ratio to PostGraphile (goal >= 1.0)', (slots / graphileSlots).toFixed(2)],
          [
            "  ratio to PostGraphile, free seats and price in the function's rows",
            `${(slots / graphileSlotRows).toFixed(2)} (${graphileSlotRows.toFixed(0)} req/s)`,
          ],
          ['  ratio to pg', (slots / sqlSlots).toFixed(2)],
          [
            'month availability: server / PostGraphile v4 / same SQL via pg',
            `${availability.toFixed(0)} / ${graphileAvailability.toFixed(0)} / ${sqlAvailability.toFixed(0)} req/s`,
          ],
          ['  ratio to PostGraphile (goal >= 1.0)', (availability / graphileAvailability).toFixed(2)],
          [
            '  ratio to PostGraphile serving our month statement',
            `${(availability / graphileMonthStatement).toFixed(2)} (${graphileMonthStatement.toFixed(0)} req/s)`,
          ],
          ['  ratio to pg', (availability / sqlAvailability).toFixed(2)],
        );
      }
      rows.push([
        `slot list / availability at ${size} slots (goal: flat)`,
        `${slots.toFixed(0)} / ${availability.toFixed(0)} req/s`,
      ]);
    }
    const ours = await rate(() => postJson(url, { query: '{ __typename }' }));
    const bare = await rate(() => postJson(anchors.ready.apollo, { query: '{ __typename }' }));
    rows.push(
      ['{ __typename }: server / bare Apollo 5 on Express 5', `${ours.toFixed(0)} / ${bare.toFixed(0)} req/s`],
      ['  ratio (goal >= 0.8)', (ours / bare).toFixed(2)],
    );
    rows.push([
      'load average (1, 5, 15 min)',
      os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(', '),
    ]);
    table(
      `4. Reads and HTTP: ${READ_CLIENTS} clients, ${READ_REQUESTS} requests per figure; each anchor in its own process, answers checked equal`,
      rows,
    );
  } finally {
    await Promise.all([postgraphile.stop(), anchors.stop()]);
  }
}
