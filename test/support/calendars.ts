import { createService, dailySlots, daysFromNow, runJobsNow, signUp } from './fixtures';
import type { TestServer } from './server';

/** The calendar jobs a test runs to the end; busy-time reads are run by the tests that look at them. */
const CALENDAR_TASKS = ['calendar_sync', 'calendar_resync', 'calendar_revoke'];

/** Runs the calendar jobs until none is waiting, also those queued for later (retries). */
export async function settleCalendars(server: TestServer): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await runJobsNow(server, ...CALENDAR_TASKS);
    const [{ waiting }] = await server.sql<{ waiting: string }>(
      `select count(*) as waiting from graphile_worker.jobs where task_identifier = any($1) and attempts < max_attempts`,
      [CALENDAR_TASKS],
    );
    if (waiting === '0') return;
  }
  throw new Error('calendar jobs did not settle');
}

/** A URL on PUBLIC_URL (what the server answers) as served by this test server, which listens on a port of its own. */
export function onTestServer(server: TestServer, url: string): string {
  const base = server.url.replace(/\/graphql$/, '');
  return `${base}${new URL(url).pathname}${new URL(url).search}`;
}

/** A provider with a one-seat service and daily slots from 3 to 9 days ahead. */
export async function providerWithSlots(
  server: TestServer,
  name: string,
  input: Parameters<typeof createService>[2] = {},
) {
  const provider = await signUp(server, 'PROVIDER', name);
  const service = await createService(server, provider, { capacity: 1, ...input });
  const slots = await dailySlots(server, provider, service.id, daysFromNow(3), daysFromNow(9));
  return { provider, service, slots };
}

/** Expects none of `secrets` (tokens a service gave out) in any text column of the database. */
export async function expectStoredNowhere(server: TestServer, secrets: string[]): Promise<void> {
  const columns = await server.sql<{ table_schema: string; table_name: string; column_name: string }>(
    `select table_schema, table_name, column_name from information_schema.columns where table_schema in ('public', 'graphile_worker') and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
  );
  for (const { table_schema, table_name, column_name } of columns) {
    const hits = await server.sql(
      `select 1 from "${table_schema}"."${table_name}" where "${column_name}"::text like any($1) limit 1`,
      [secrets.map((secret) => `%${secret}%`)],
    );
    expect({ column: `${table_name}.${column_name}`, hits: hits.length }).toEqual({
      column: `${table_name}.${column_name}`,
      hits: 0,
    });
  }
}
