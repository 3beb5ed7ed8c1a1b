import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { docBlocks } from './support/docs';
import { startServerProcess, type ServerProcess } from './support/process';
import { createTestDatabase } from './support/server';

const run = promisify(execFile);

/** `npm run seed` as a process on `databaseUrl`: its summary line. */
async function seed(databaseUrl: string) {
  const { stdout } = await run(process.execPath, [path.resolve('dist/src/seed-main.js')], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
  });
  const line = stdout.split('\n').find((text) => text.includes('Demo data ready'));
  const { provider, customer, services } = JSON.parse(line ?? '{}');
  return { provider, customer, services } as { services: { name: string; slots: number }[] };
}

describe("npm run seed, then the README's Try it", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.stop();
    await database.drop();
  });

  it('seeds a provider, services, schedules, a month of slots and a customer, once however often it runs', async () => {
    const first = await seed(database.url);
    expect(first.services.map((service) => service.name)).toEqual(['Sector A umbrellas', 'Sunset boat tour']);
    // A month of slots: two a day for the umbrellas, four days a week for the tour (today's may have passed).
    expect(first.services[0].slots).toBeGreaterThanOrEqual(60);
    expect(first.services[1].slots).toBeGreaterThanOrEqual(16);
    const counts = async () => {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          `select (select count(*) from app_user) users, (select count(*) from service) services,
            (select count(*) from schedule) schedules, (select count(*) from slot) slots`,
        );
        return rows[0];
      } finally {
        await client.end();
      }
    };
    const before = await counts();
    expect(before).toMatchObject({ users: '2', services: '2', schedules: '3' });
    expect(await seed(database.url)).toEqual(first);
    expect(await counts()).toEqual(before);
  });

  it('runs the Try it block as written: a booking is made, the provider sees it and publishes a service', async () => {
    server = await startServerProcess({ DATABASE_URL: database.url });
    const [, snippet] = docBlocks('README.md', 'Try it');
    expect(snippet).toContain('gql()');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', snippet], {
      env: { PATH: process.env.PATH, API: server.url },
    });
    const answers = stdout
      .trim()
      .split('\n')
      .filter((line) => line.trim()) // gql's echo follows answers that end in a line break
      .map((line) => JSON.parse(line) as { data?: Record<string, unknown>; errors?: unknown });
    expect(answers.filter((answer) => answer.errors || !answer.data)).toEqual([]);
    const answer = (field: string) => answers.find((each) => each.data?.[field])?.data?.[field];
    expect(answer('book')).toMatchObject({
      reference: expect.stringMatching(/^BK-/),
      status: 'CONFIRMED',
      price: { total: { amount: '38.25', currency: 'EUR' } }, // 25.50 + half of it
    });
    expect(answer('myBookingsConnection')).toMatchObject({ totalCount: 1, nodes: [{ status: 'CONFIRMED' }] });
    expect(answer('providerBookingsConnection')).toMatchObject({
      totalCount: 1,
      nodes: [{ status: 'CONFIRMED', service: { name: 'Sector A umbrellas' }, customer: { name: 'Ann Demo' } }],
    });
    expect((answer('generateSlots') as unknown[]).length).toBeGreaterThanOrEqual(6);
    const reference = (answer('book') as { reference: string }).reference;
    expect(answer('lookupBooking')).toMatchObject({ reference, status: 'CONFIRMED', party: { total: 2 } });
    const checked = answer('checkAvailability') as { timezone: string; slotCount: number; days: unknown[] };
    expect(checked).toMatchObject({ timezone: 'America/New_York' });
    expect(checked.days).toHaveLength(7);
    expect(checked.slotCount).toBeGreaterThan(0);
    expect(answer('createBlackout')).toMatchObject({ allDay: false, startTime: '12:00', endTime: '14:00' });
    const workingHours = answers.filter((each) => each.data?.generateSlots).map((each) => each.data!.generateSlots);
    expect((workingHours[1] as unknown[]).length).toBeGreaterThanOrEqual(5 * 7); // a working week at least
  });
});
