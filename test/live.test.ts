import type { Client } from 'graphql-ws';
import {
  AvailabilityChangedDocument,
  BookDocument,
  BookingChangedDocument,
  CancelBookingDocument,
  ModifyBookingDocument,
  SetAvailabilityDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp, type Account } from './support/fixtures';
import { Subscription, eventually, liveClient } from './support/live';
import { startServerProcess, type ServerProcess } from './support/process';
import { serverMetric, startTestServer, type TestServer } from './support/server';

let a: TestServer;
let b: ServerProcess;
let owner: Account;
let customer: Account;
const clients: Client[] = [];

beforeAll(async () => {
  a = await startTestServer();
  b = await startServerProcess({ DATABASE_URL: a.databaseUrl });
  [owner, customer] = await Promise.all([signUp(a, 'PROVIDER'), signUp(a, 'CUSTOMER')]);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await b.stop();
  await a.stop();
});

function connect(url: string, token?: string, onClose?: (code: number, reason: string) => void): Client {
  const client = liveClient(url, token, onClose);
  clients.push(client);
  return client;
}

const openSubscriptions = (url: string) => serverMetric(url, 'live_subscriptions');

/** Subscribes to availability on a process and waits until the server holds the subscription. */
async function follow(url: string, serviceIds: string[]) {
  const before = await openSubscriptions(url);
  const subscription = new Subscription(connect(url), AvailabilityChangedDocument, { serviceIds });
  await eventually(async () => (await openSubscriptions(url)) > before);
  return subscription;
}

async function serviceWithSlots(count: number, capacity = 5) {
  const service = await createService(a, owner, { capacity });
  return { service, slots: await dailySlots(a, owner, service.id, daysFromNow(3), daysFromNow(3 + count - 1)) };
}

describe('availabilityChanged', () => {
  it('brings a booking made through process A to a subscriber on process B', async () => {
    const { service, slots } = await serviceWithSlots(1);
    const live = await follow(b.url, [service.id]);
    const started = Date.now();
    await a.ok(BookDocument, { input: { slotIds: [slots[0].id], party: { adults: 2 } } }, customer.token);
    const [first] = await live.waitFor(1);
    expect(first.data!.availabilityChanged).toMatchObject({
      serviceId: service.id,
      reason: 'BOOKED',
      slot: { id: slots[0].id, booked: 2, held: 0, available: 3, status: 'OPEN', price: { amount: '20.00' } },
    });
    expect(Date.parse(first.data!.availabilityChanged.at)).toBeGreaterThanOrEqual(started - 1000);
    live.stop();
  });

  it('sends nothing for work that rolled back, and nothing about other services', async () => {
    const { service, slots } = await serviceWithSlots(3, 2);
    const other = await serviceWithSlots(1);
    const live = await follow(b.url, [service.id]);
    const { book } = await a.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
      customer.token,
    );
    await live.waitFor(1);
    const rival = await signUp(a, 'CUSTOMER');
    await a.ok(BookDocument, { input: { slotIds: [slots[2].id], party: { adults: 2 } } }, rival.token);
    await live.waitFor(2);
    // Moving to [slot 1, slot 2]: slot 1's seats are taken (and announced) before slot 2 fails; all rolls back.
    const failed = await a.request(
      ModifyBookingDocument,
      { id: book.id, input: { slotIds: [slots[1].id, slots[2].id] } },
      customer.token,
    );
    expect(failed.errors![0].extensions.code).toBe('CAPACITY_EXCEEDED');
    const full = await a.request(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      rival.token,
    );
    expect(full.errors![0].extensions.code).toBe('CAPACITY_EXCEEDED');
    await a.ok(BookDocument, { input: { slotIds: [other.slots[0].id], party: { adults: 1 } } }, rival.token);
    // The marker: a real change that must be the next thing this subscriber hears.
    await a.ok(CancelBookingDocument, { id: book.id }, customer.token);
    const results = await live.waitFor(3); // what was announced before the marker came before it
    expect(
      live.results.slice(2).map((r) => [r.data!.availabilityChanged.reason, r.data!.availabilityChanged.slot.id]),
    ).toEqual([['RELEASED', slots[0].id]]);
    expect(results.every((r) => r.data!.availabilityChanged.serviceId === service.id)).toBe(true);
    live.stop();
  });

  it('announces created, closed and reopened slots', async () => {
    const service = await createService(a, owner);
    const live = await follow(a.url, [service.id]);
    const [slot] = await dailySlots(a, owner, service.id, daysFromNow(4), daysFromNow(4));
    await live.waitFor(1);
    const range = { serviceId: service.id, from: slot.startsAt, to: slot.endsAt };
    await a.ok(SetAvailabilityDocument, { ...range, open: false }, owner.token);
    await a.ok(SetAvailabilityDocument, { ...range, open: true }, owner.token);
    const events = (await live.waitFor(3)).map((r) => r.data!.availabilityChanged);
    expect(events.map((e) => [e.reason, e.slot.id, e.slot.status, e.slot.available])).toEqual([
      ['CREATED', slot.id, 'OPEN', 10],
      ['CLOSED', slot.id, 'CLOSED', 0],
      ['OPENED', slot.id, 'OPEN', 10],
    ]);
    live.stop();
  });

  it('keeps working after the listener connection is killed', async () => {
    const { service, slots } = await serviceWithSlots(2);
    const live = await follow(b.url, [service.id]);
    const listeners = () =>
      a.sql<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = 'booking-live-listener' and datname = current_database()`,
      );
    expect(await listeners()).toHaveLength(2);
    await a.sql(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'booking-live-listener' and datname = current_database()`,
    );
    await eventually(async () => (await listeners()).length === 2);
    await a.ok(BookDocument, { input: { slotIds: [slots[1].id], party: { adults: 1 } } }, customer.token);
    const [event] = await live.waitFor(1);
    expect(event.data!.availabilityChanged).toMatchObject({ reason: 'BOOKED', slot: { id: slots[1].id, booked: 1 } });
    live.stop();
  });

  it('holds no subscription once every client of a quiet service has left', async () => {
    const { service } = await serviceWithSlots(1);
    const baseline = await openSubscriptions(a.url);
    const quiet = Array.from({ length: 25 }, () => liveClient(a.url));
    for (const client of quiet) new Subscription(client, AvailabilityChangedDocument, { serviceIds: [service.id] });
    await eventually(async () => (await openSubscriptions(a.url)) === baseline + 25);
    await Promise.all(quiet.map((client) => client.dispose()));
    await eventually(async () => (await openSubscriptions(a.url)) === baseline, 5_000);
  });

  it('refuses too many services, unknown ids, and too many subscriptions on one connection', async () => {
    const client = connect(a.url);
    const many = new Subscription(client, AvailabilityChangedDocument, {
      serviceIds: Array.from({ length: 101 }, (_, i) => String(i + 1)),
    });
    const unknown = new Subscription(client, AvailabilityChangedDocument, { serviceIds: ['999999'] });
    const notAnId = new Subscription(client, AvailabilityChangedDocument, { serviceIds: ['x'] });
    await Promise.all([many.waitFor(1), unknown.waitFor(1), notAnId.waitFor(1)]);
    expect(many.results[0].errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serviceIds' });
    expect(unknown.results[0].errors![0].extensions.code).toBe('NOT_FOUND');
    expect(notAnId.results[0].errors![0].extensions.code).toBe('BAD_USER_INPUT');

    const { service } = await serviceWithSlots(1);
    const crowded = connect(a.url);
    const subscriptions = Array.from(
      { length: 21 },
      () => new Subscription(crowded, AvailabilityChangedDocument, { serviceIds: [service.id] }),
    );
    await eventually(async () => subscriptions.some((s) => s.results.length > 0));
    expect(subscriptions.flatMap((s) => s.results).map((r) => r.errors?.[0].extensions.code)).toEqual(['RATE_LIMITED']);
  });
});

describe('bookingChanged', () => {
  it('follows a booking for its customer and provider, and refuses strangers and bad tokens', async () => {
    const { slots } = await serviceWithSlots(1);
    const { book } = await a.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      customer.token,
    );
    const stranger = await signUp(a, 'CUSTOMER');
    const refused = new Subscription(connect(a.url, stranger.token), BookingChangedDocument, { id: book.id });
    const anonymous = new Subscription(connect(a.url), BookingChangedDocument, { id: book.id });
    await Promise.all([refused.waitFor(1), anonymous.waitFor(1)]);
    expect(refused.results[0].errors![0].extensions.code).toBe('FORBIDDEN');
    expect(anonymous.results[0].errors![0].extensions.code).toBe('UNAUTHENTICATED');

    const before = await openSubscriptions(b.url);
    const mine = new Subscription(connect(b.url, customer.token), BookingChangedDocument, { id: book.id });
    const theirs = new Subscription(connect(b.url, owner.token), BookingChangedDocument, { id: book.id });
    await eventually(async () => (await openSubscriptions(b.url)) === before + 2);
    await a.ok(CancelBookingDocument, { id: book.id }, customer.token);
    for (const live of [mine, theirs]) {
      await live.waitFor(1);
      expect(live.results[0].data!.bookingChanged).toEqual({ id: book.id, status: 'CANCELLED', party: { total: 1 } });
    }

    const closed = new Promise<number>((resolve) =>
      connect(a.url, 'Bearer forged.token.value', (code) => resolve(code)),
    );
    expect(await closed).toBe(4403);
  });
});
