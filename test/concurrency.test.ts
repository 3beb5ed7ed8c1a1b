import { BookDocument, CancelBookingDocument, SlotsDocument } from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, serviceWithSlots, signUp, type Account } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';
import { startTestServer, tally, type GraphQLResult, type TestServer } from './support/server';
import { print } from 'graphql';

let server: TestServer;
let second: ServerProcess;
let owner: Account;
let customers: Account[];
beforeAll(async () => {
  server = await startTestServer();
  second = await startServerProcess({ DATABASE_URL: server.databaseUrl });
  owner = await signUp(server, 'PROVIDER');
  customers = [];
  for (let i = 0; i < 60; i += 1) customers.push(await signUp(server, 'CUSTOMER'));
});
afterAll(async () => {
  await second.stop();
  await server.stop();
});

/** The same `book` over HTTP to a given process. */
async function bookVia(
  url: string,
  token: string,
  slotIds: string[],
): Promise<GraphQLResult<{ book: { id: string } }>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(BookDocument), variables: { input: { slotIds, party: { adults: 1 } } } }),
  });
  return (await response.json()) as GraphQLResult<{ book: { id: string } }>;
}

async function slotWithCapacity(capacity: number, day = 4) {
  const { service, slots } = await serviceWithSlots(server, owner, { capacity }, day);
  return { service, slot: slots[0] };
}

describe('never overbooks', () => {
  it('gives exactly K of N concurrent one-seat requests on a capacity-K slot', async () => {
    const { service, slot } = await slotWithCapacity(7);
    const results = await Promise.all(customers.slice(0, 40).map((c) => bookVia(server.url, c.token, [slot.id])));
    expect(tally(results)).toEqual({ OK: 7, CAPACITY_EXCEEDED: 33 });
    expect(results.find((r) => r.errors)!.errors![0].extensions).toMatchObject({
      waitlistAvailable: true,
      slotId: slot.id,
    });
    const { slots } = await server.ok(SlotsDocument, { serviceId: service.id, from: slot.startsAt, to: slot.endsAt });
    expect(slots[0]).toMatchObject({ booked: 7, held: 0, available: 0 });
  });

  it('holds across two server processes on one database', async () => {
    const { service, slot } = await slotWithCapacity(11);
    const results = await Promise.all(
      customers.map((c, i) => bookVia(i % 2 ? second.url : server.url, c.token, [slot.id])),
    );
    expect(tally(results)).toEqual({ OK: 11, CAPACITY_EXCEEDED: 49 });
    const [row] = await server.sql<{ booked: number; bookings: string }>(
      `select s.booked, (select count(*) from booking_slot bs where bs.slot_id = s.id) as bookings from slot s where s.id = $1`,
      [slot.id],
    );
    expect(row).toEqual({ booked: 11, bookings: '11' });
    expect(
      (await server.ok(SlotsDocument, { serviceId: service.id, from: slot.startsAt, to: slot.endsAt })).slots[0]
        .available,
    ).toBe(0);
  });

  it('books a seat freed after the process saw its slot full', async () => {
    const { slot } = await slotWithCapacity(1, 6);
    const [first, second] = customers;
    const taken = await bookVia(server.url, first.token, [slot.id]);
    expect(tally([await bookVia(server.url, second.token, [slot.id])])).toEqual({ CAPACITY_EXCEEDED: 1 });
    await server.ok(CancelBookingDocument, { id: taken.data!.book.id }, first.token);
    expect(tally([await bookVia(server.url, second.token, [slot.id])])).toEqual({ OK: 1 });
  });

  it('takes seats on every slot or on none, and multi-slot bookings in any order never deadlock', async () => {
    const service = await createService(server, owner, { capacity: 5 });
    const [a, b, c] = await dailySlots(server, owner, service.id, daysFromNow(6), daysFromNow(8));
    // Opposite orders of the same three slots, all at once: every request ends booked or CAPACITY_EXCEEDED.
    const orders = [
      [a.id, b.id, c.id],
      [c.id, b.id, a.id],
      [b.id, c.id, a.id],
    ];
    const results = await Promise.all(
      customers.slice(0, 30).map((cust, i) => bookVia(i % 2 ? second.url : server.url, cust.token, orders[i % 3])),
    );
    expect(tally(results)).toEqual({ OK: 5, CAPACITY_EXCEEDED: 25 });
    const counts = await server.sql<{ booked: number }>('select booked from slot where id = any($1) order by id', [
      [a.id, b.id, c.id],
    ]);
    expect(counts.map((r) => r.booked)).toEqual([5, 5, 5]);

    const [d, e] = await dailySlots(server, owner, service.id, daysFromNow(9), daysFromNow(10));
    await server.sql('update slot set booked = 5 where id = $1', [e.id]);
    const failed = await bookVia(server.url, customers[40].token, [d.id, e.id]);
    expect(failed.errors![0].extensions).toMatchObject({ code: 'CAPACITY_EXCEEDED', slotId: e.id });
    expect((await server.sql<{ booked: number }>('select booked from slot where id = $1', [d.id]))[0].booked).toBe(0);
  });

  it('lets the database itself refuse booked + held above capacity', async () => {
    const { slot } = await slotWithCapacity(3);
    await expect(server.sql('update slot set booked = 2, held = 2 where id = $1', [slot.id])).rejects.toThrow(
      /slot_seats_check/,
    );
    await expect(server.sql('update slot set held = -1 where id = $1', [slot.id])).rejects.toThrow(/slot_seats_check/);
  });
});
