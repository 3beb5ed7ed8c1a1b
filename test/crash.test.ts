import { Client } from 'pg';
import { BookDocument, BookingDocument } from '../client/generated/graphql';
import { FakeStripe, SECRET_KEY, WEBHOOK_SECRET } from './support/fake-stripe';
import { createService, dailySlots, daysFromNow, rescheduleJobs, signUp, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { asTestServer, startServerProcess, type ServerProcess } from './support/process';
import { createTestDatabase, type TestServer } from './support/server';

let database: { url: string; drop(): Promise<void> };
let stripe: FakeStripe;
let running: ServerProcess;
let api: TestServer;
let owner: Account;
let customer: Account;

/** Another server process on the same database; the fixtures and checks go through the newest. */
async function startProcess(): Promise<void> {
  running = await startServerProcess({
    DATABASE_URL: database.url,
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
  });
  api = asTestServer(running, database.url);
}

/** kill -9: no shutdown, no rollback sent, connections dropped by the kernel. */
async function killProcess(): Promise<void> {
  expect(await running.stop('SIGKILL')).toBeNull();
}

beforeAll(async () => {
  [database, stripe] = await Promise.all([createTestDatabase(), FakeStripe.start()]);
  await startProcess();
  [owner, customer] = await Promise.all([signUp(api, 'PROVIDER'), signUp(api, 'CUSTOMER')]);
});
afterAll(async () => {
  await running?.stop();
  await stripe?.stop();
  await database?.drop();
});

async function paidSlots(days: number) {
  const service = await createService(api, owner, { capacity: 2, requiresPayment: true, priceAmount: '25.00' });
  return { service, slots: await dailySlots(api, owner, service.id, daysFromNow(4), daysFromNow(4 + days - 1)) };
}

const book = (slotId: string) =>
  api
    .ok(BookDocument, { input: { slotIds: [slotId], party: { adults: 2 } } }, customer.token)
    .then((data) => data.book);

/** On every slot of the service, booked and held seats are exactly those of its confirmed and pending bookings. */
async function expectSeatsConsistent(serviceId: string): Promise<void> {
  const slots = await api.sql<{ booked: number; held: number; confirmed: number; pending: number }>(
    `select s.booked, s.held,
            coalesce(sum(bs.seats) filter (where b.status = 'CONFIRMED'), 0)::int as confirmed,
            coalesce(sum(bs.seats) filter (where b.status = 'PENDING_PAYMENT'), 0)::int as pending
       from slot s left join booking_slot bs on bs.slot_id = s.id left join booking b on b.id = bs.booking_id
      where s.service_id = $1 group by s.id`,
    [serviceId],
  );
  expect(slots.length).toBeGreaterThan(0);
  for (const slot of slots)
    expect({ booked: slot.booked, held: slot.held }).toEqual({ booked: slot.confirmed, held: slot.pending });
}

describe('a server killed with kill -9', () => {
  it("while Stripe creates a booking's PaymentIntent leaves no booking and no held seat, and another process books the seats", async () => {
    const { service, slots } = await paidSlots(1);
    stripe.mode = 'hang';
    const intentsBefore = stripe.calls(/^\/v1\/payment_intents$/).length;
    const attempt = book(slots[0].id).catch(() => undefined);
    await eventually(async () => stripe.calls(/^\/v1\/payment_intents$/).length > intentsBefore); // the booking transaction is open
    await killProcess();
    await attempt;
    stripe.mode = 'ok';

    await startProcess();
    expect(await api.sql('select 1 from booking_slot where slot_id = $1', [slots[0].id])).toEqual([]);
    await expectSeatsConsistent(service.id);
    const booking = await book(slots[0].id);
    expect(booking).toMatchObject({ status: 'PENDING_PAYMENT', slots: [{ booked: 0, held: 2 }] });
    await expectSeatsConsistent(service.id);
  });

  it('while its jobs apply a payment and expire a hold leaves them to the next process, which finishes both', async () => {
    const { service, slots } = await paidSlots(2);
    const [expiring, paid] = [await book(slots[0].id), await book(slots[1].id)];
    const [{ intent_id: paidIntent }] = await api.sql<{ intent_id: string }>(
      'select p.intent_id from payment p join booking b on b.payment_id = p.id where b.id = $1',
      [paid.id],
    );

    // The test holds both slots' rows, so that the two jobs stop mid-way, inside their transactions.
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select 1 from slot where id = any($1) for update', [[slots[0].id, slots[1].id]]);
    await api.sql(`update booking set hold_expires_at = now() - interval '1 second' where id = $1`, [expiring.id]);
    await rescheduleJobs(database.url, { keys: [`payment-hold:${expiring.id}`] }, { runAt: new Date() });
    expect((await stripe.deliver(api.url, stripe.settle(paidIntent, 'succeeded'))).status).toBe(200);
    const waiting = () =>
      api.sql(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    await eventually(async () => (await waiting()).length === 2);

    await killProcess();
    await blocker.query('rollback');
    await blocker.end();
    await startProcess();

    const status = async (id: string) => (await api.ok(BookingDocument, { id }, customer.token)).booking!.status;
    await eventually(
      async () => (await status(expiring.id)) === 'EXPIRED' && (await status(paid.id)) === 'CONFIRMED',
      30_000,
    );
    await expectSeatsConsistent(service.id);
    await eventually(
      async () =>
        stripe.intents.get(
          (
            await api.sql<{ intent_id: string }>(
              'select p.intent_id from payment p join booking b on b.payment_id = p.id where b.id = $1',
              [expiring.id],
            )
          )[0].intent_id,
        )!.status === 'canceled',
    );
  });
});
