import {
  AvailabilityChangedDocument,
  AvailabilityDocument,
  BookDocument,
  CancelBookingDocument,
  SlotsDocument,
} from '../client/generated/graphql';
import { FakeStripe, SECRET_KEY, WEBHOOK_SECRET } from './support/fake-stripe';
import { createService, dailySlots, daysFromNow, jobsSettled, signUp, type Account } from './support/fixtures';
import { Subscription, eventually, liveClient } from './support/live';
import { PrivatePostgres } from './support/private-postgres';
import { asTestServer, startServerProcess, type ServerProcess } from './support/process';
import { codes, HEALTHY, serverMetric, UNHEALTHY, type TestServer } from './support/server';
import { SilentProxy } from './support/silent-proxy';

let postgres: PrivatePostgres;
let stripe: FakeStripe;
const processes: ServerProcess[] = [];
let server: TestServer;
let owner: Account;
let customer: Account;

/** A server process (as `npm start` runs it) on a database of the private cluster, reached through `port`. */
async function startServer(
  name: string,
  env: Record<string, string> = {},
  port = postgres.port,
): Promise<{ process: ServerProcess; server: TestServer }> {
  const url = (await postgres.database(name)).replace(`:${postgres.port}/`, `:${port}/`);
  const process = await startServerProcess({ DATABASE_URL: url, ...env });
  processes.push(process);
  return { process, server: asTestServer(process, url) };
}

beforeAll(async () => {
  [postgres, stripe] = await Promise.all([PrivatePostgres.start(), FakeStripe.start()]);
  ({ server } = await startServer('faults', {
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    // Long enough that a call hanging at Stripe (and its retries) outlasts stopping PostgreSQL, even on a
    // loaded machine: the job then fails while the database is away.
    STRIPE_TIMEOUT_MS: '3000',
  }));
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'CUSTOMER')]);
});
afterAll(async () => {
  for (const process of processes) await process.stop();
  await stripe?.stop();
  await postgres?.destroy();
});

const health = async (target = server) => (await fetch(target.url.replace('/graphql', '/health'))).status;
const healthBody = async () => (await fetch(server.url.replace('/graphql', '/health'))).json();

/** Restarts the private PostgreSQL, running `whileDown` in between, and waits until the server's database answers again. */
async function restartPostgres(whileDown: () => Promise<void>): Promise<void> {
  await postgres.stop();
  try {
    await whileDown();
  } finally {
    await postgres.start();
  }
  await eventually(async () => (await health()) === 200);
}

describe('a PostgreSQL restart', () => {
  it('is answered with SERVICE_UNAVAILABLE and a 503 health while it lasts; then requests, live updates and jobs work again', async () => {
    const service = await createService(server, owner, { capacity: 5, allowOverlappingBookings: true });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(3), daysFromNow(3));
    const before = await serverMetric(server.url, 'live_subscriptions_opened_total');
    const client = liveClient(server.url);
    const live = new Subscription(client, AvailabilityChangedDocument, { serviceIds: [service.id] });
    await eventually(async () => (await serverMetric(server.url, 'live_subscriptions_opened_total')) > before);
    const book = () =>
      server.request(BookDocument, { input: { slotIds: [slot.id], party: { adults: 2 } } }, customer.token);
    // A month is a prepared statement on a pooled connection: the connections after the restart prepare it again.
    const month = () =>
      server.request(AvailabilityDocument, { serviceId: service.id, month: slot.startsAt.slice(0, 7) });
    expect((await month()).errors).toBeUndefined();

    await restartPostgres(async () => {
      const refused = await book();
      expect(codes(refused)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(refused.errors![0].message).toMatch(/retry/);
      expect(
        codes(await server.request(SlotsDocument, { serviceId: service.id, from: slot.startsAt, to: slot.endsAt })),
      ).toEqual(['SERVICE_UNAVAILABLE']);
      expect(codes(await month())).toEqual(['SERVICE_UNAVAILABLE']);
      expect(await health()).toBe(503);
      expect(await healthBody()).toEqual(UNHEALTHY);
    });
    expect(await healthBody()).toEqual(HEALTHY);

    // The LISTEN connection comes back by itself; changes committed before it did are not pushed (docs/operations.md).
    await eventually(
      async () =>
        (
          await server.sql(
            `select 1 from pg_stat_activity where application_name = 'booking-live-listener' and datname = current_database()`,
          )
        ).length === 1,
    );
    const { book: booking } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 2 } } },
      customer.token,
    );
    expect(booking).toMatchObject({ status: 'CONFIRMED', slots: [{ booked: 2 }] });
    const months = await Promise.all(Array.from({ length: 12 }, month)); // at once: more than one pooled connection
    expect(months.map((answer) => answer.errors)).toEqual(Array(12).fill(undefined));
    const [event] = await live.waitFor(1);
    expect(event.data!.availabilityChanged).toMatchObject({ reason: 'BOOKED', slot: { id: slot.id, booked: 2 } });
    await jobsSettled(server);
    const mails = await server.sql<{ status: string }>('select status from message where subject like $1', [
      `%${booking.reference}%`,
    ]);
    expect(mails.map((mail) => mail.status)).toEqual(['LOGGED', 'LOGGED']);
    await client.dispose();
  });

  it('replaces job workers that lost the database mid-job, and runs their jobs again', async () => {
    const service = await createService(server, owner, {
      capacity: 10,
      requiresPayment: true,
      priceAmount: '30.00',
      allowOverlappingBookings: true,
    });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    // Four customers: one may hold at most three unpaid bookings of a service.
    const holders = await Promise.all([1, 2, 3, 4].map(() => signUp(server, 'CUSTOMER')));
    const bookings = [];
    for (const holder of holders)
      bookings.push(
        (await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, holder.token)).book,
      );
    const intents = await server.sql<{ intent_id: string }>(
      'select p.intent_id from payment p join booking b on b.payment_id = p.id where b.id = any($1)',
      [bookings.map((b) => b.id)],
    );
    await jobsSettled(server); // the sign-ups' mails are sent: no other job is running below
    // Stripe stops answering: each of the four job workers is busy cancelling an intent when PostgreSQL stops.
    const lostBefore = await serverMetric(server.url, 'job_workers_lost_total');
    stripe.mode = 'hang';
    for (const [i, booking] of bookings.entries())
      await server.ok(CancelBookingDocument, { id: booking.id }, holders[i].token);
    await eventually(async () => new Set(stripe.calls(/\/cancel$/).map((call) => call.path)).size === 4);

    await restartPostgres(async () => {
      // The jobs fail while the database is away (their Stripe calls time out), so the workers cannot
      // record it and stop.
      await eventually(
        async () => (await serverMetric(server.url, 'job_workers_lost_total')) === lostBefore + 4,
        30_000,
      );
      stripe.mode = 'ok';
    });

    await eventually(
      async () => intents.every(({ intent_id }) => stripe.intents.get(intent_id)!.status === 'canceled'),
      30_000,
    );
    const [after] = await dailySlots(
      server,
      owner,
      (await createService(server, owner)).id,
      daysFromNow(6),
      daysFromNow(6),
    );
    const { book: booking } = await server.ok(
      BookDocument,
      { input: { slotIds: [after.id], party: { adults: 1 } } },
      customer.token,
    );
    await jobsSettled(server);
    const mails = await server.sql<{ status: string }>('select status from message where subject like $1', [
      `%${booking.reference}%`,
    ]);
    expect(mails.map((mail) => mail.status)).toEqual(['LOGGED', 'LOGGED']);
  });
});

describe('stopping', () => {
  it('ends within SHUTDOWN_TIMEOUT_MS when PostgreSQL stops answering mid-request', async () => {
    const proxy = await SilentProxy.start(postgres.port);
    const { process, server: stuck } = await startServer(
      'silent',
      { WORKER: 'off', SHUTDOWN_TIMEOUT_MS: '500' },
      proxy.port,
    );
    await signUp(stuck, 'CUSTOMER');
    const silenced = proxy.silence();
    const request = stuck
      .request(SlotsDocument, { serviceId: '1', from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' })
      .catch(() => undefined);
    await silenced; // the request's query went into the silence
    expect(await process.stop('SIGTERM')).toBe(1);
    // The hung request's connection is closed after half the time (the drain); its database connection is what is left.
    expect(process.output()).toMatch(/Shutdown did not finish: (http|orm)/);
    await proxy.close();
    await request;
  });
});
