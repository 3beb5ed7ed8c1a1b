import {
  AvailabilityChangedDocument,
  BookDocument,
  CancelBookingDocument,
  ClaimWaitlistOfferDocument,
  JoinWaitlistDocument,
  ModifyBookingDocument,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  runJobsNow,
  signUp,
  startWithAccounts,
  type Account,
} from './support/fixtures';
import { Subscription, eventually, liveClient } from './support/live';
import { startServerProcess } from './support/process';
import { codes, createTestDatabase, serverMetric, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
const clock = new TestClock();

beforeAll(async () => ({ server, owner } = await startWithAccounts({ waitlistOfferHours: 24 }, clock)));
afterAll(() => server.stop());

const RULES = new Set(['CAPACITY_EXCEEDED', 'INVALID_TRANSITION', 'BAD_USER_INPUT']);

/** The error codes of results that are not the domain's own refusals (deadlocks would show as INTERNAL_SERVER_ERROR). */
const unexpected = (results: GraphQLResult<unknown>[]) => results.flatMap(codes).filter((code) => !RULES.has(code));

/** booked + held on the slot equals the seats of the bookings and offers that hold them. */
async function seatsAddUp(slotId: string): Promise<void> {
  const [slot] = await server.sql<{ booked: number; held: number }>('select booked, held from slot where id = $1', [
    slotId,
  ]);
  const [{ booked }] = await server.sql<{ booked: string }>(
    `select coalesce(sum(bs.seats), 0) as booked from booking_slot bs join booking b on b.id = bs.booking_id where bs.slot_id = $1 and b.status = 'CONFIRMED'`,
    [slotId],
  );
  const [{ held }] = await server.sql<{ held: string }>(
    `select coalesce(sum(party_size), 0) as held from waitlist_entry where offered_slot_id = $1 and status = 'OFFERED'`,
    [slotId],
  );
  expect(slot).toEqual({ booked: Number(booked), held: Number(held) });
}

describe('the booking core', () => {
  it('lets book, cancel, modify, claim and offer expiry run at once on one slot with no error but the rules’', async () => {
    const service = await createService(server, owner, { capacity: 6, cutoffHours: 1 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const people = await Promise.all(Array.from({ length: 18 }, () => signUp(server, 'CUSTOMER')));
    const [a, b, c, d, e, f, g, ...rivals] = people;
    const book = (who: Account, adults = 1) =>
      server.request(BookDocument, { input: { slotIds: [slot.id], party: { adults } } }, who.token);
    const booked = await Promise.all([a, b, c, d].map((who) => book(who)));
    await book(e, 2); // full: 6 of 6
    const join = (who: Account) =>
      server.ok(JoinWaitlistDocument, { input: { serviceId: service.id, slotId: slot.id, partySize: 1 } }, who.token);
    const [{ joinWaitlist: first }, { joinWaitlist: second }] = [await join(f), await join(g)];
    await server.ok(CancelBookingDocument, { id: booked[0].data!.book.id }, a.token); // offered to f
    clock.advance(12 * 3_600_000);
    await server.ok(CancelBookingDocument, { id: booked[1].data!.book.id }, b.token); // offered to g, 12 hours later
    clock.advance(13 * 3_600_000); // f's offer is over, g's still stands

    const results = await Promise.all([
      runJobsNow(server, 'expire_waitlist_offer').then(() => ({}) as GraphQLResult<unknown>),
      server.request(ClaimWaitlistOfferDocument, { id: second.id }, g.token),
      server.request(ClaimWaitlistOfferDocument, { id: first.id }, f.token),
      server.request(CancelBookingDocument, { id: booked[2].data!.book.id }, c.token),
      server.request(ModifyBookingDocument, { id: booked[3].data!.book.id, input: { party: { adults: 3 } } }, d.token),
      ...rivals.map((who) => book(who)),
    ]);
    expect(unexpected(results)).toEqual([]);
    expect(codes(results[2])).toEqual(['INVALID_TRANSITION']); // f's offer had expired
    expect(results[1].errors).toBeUndefined(); // g's claim stands whatever ran beside it
    await jobsSettled(server);
    await seatsAddUp(slot.id);
  });

  it('never deadlocks cancellations that hand seats to the waitlist against bookings of the same slot', async () => {
    const service = await createService(server, owner, { capacity: 12, cutoffHours: 1 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(6), daysFromNow(6));
    const holders = await Promise.all(Array.from({ length: 12 }, () => signUp(server, 'CUSTOMER')));
    const bookings = await Promise.all(
      holders.map((who) => server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, who.token)),
    );
    const waiting = await Promise.all(Array.from({ length: 4 }, () => signUp(server, 'CUSTOMER')));
    for (const who of waiting)
      await server.ok(
        JoinWaitlistDocument,
        { input: { serviceId: service.id, slotId: slot.id, partySize: 3 } },
        who.token,
      );
    const rivals = await Promise.all(Array.from({ length: 12 }, () => signUp(server, 'CUSTOMER')));
    const results = await Promise.all([
      ...bookings.map(({ book }, i) => server.request(CancelBookingDocument, { id: book.id }, holders[i].token)),
      ...rivals.map((who) =>
        server.request(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, who.token),
      ),
    ]);
    expect(unexpected(results)).toEqual([]);
    expect(results.slice(0, 12).every((result) => !result.errors)).toBe(true);
    await seatsAddUp(slot.id);
  });

  it('rolls the whole change back when writing one of its listeners’ effects fails, and sends nothing', async () => {
    const service = await createService(server, owner, { capacity: 3 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const customer = await signUp(server, 'CUSTOMER');
    const live = new Subscription(liveClient(server.url), AvailabilityChangedDocument, { serviceIds: [service.id] });
    await eventually(async () => (await serverMetric(server.url, 'live_subscriptions')) >= 1);
    await jobsSettled(server); // the sign-up's mail jobs come and go meanwhile
    const jobsBefore = await server.sql<{ n: string }>('select count(*) as n from graphile_worker.jobs');
    // The audit trail's store refuses: the audit listener's entry cannot be written.
    await server.sql(
      `create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit store is down'; end $$`,
    );
    await server.sql(
      'create trigger refuse_audit before insert on audit_entry for each row execute function refuse_audit()',
    );
    try {
      const failed = await server.request(
        BookDocument,
        { input: { slotIds: [slot.id], party: { adults: 2 } } },
        customer.token,
      );
      expect(codes(failed)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(JSON.stringify(failed)).not.toContain('audit store');
    } finally {
      await server.sql('drop trigger refuse_audit on audit_entry');
    }
    expect(await server.sql('select id from booking where service_id = $1', [service.id])).toEqual([]);
    expect(await server.sql('select booked, held from slot where id = $1', [slot.id])).toEqual([
      { booked: 0, held: 0 },
    ]);
    expect(await server.sql<{ n: string }>('select count(*) as n from graphile_worker.jobs')).toEqual(jobsBefore);
    // The next change is the first thing the live calendar hears.
    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, customer.token);
    const [only] = await live.waitFor(1);
    expect(only.data!.availabilityChanged).toMatchObject({ reason: 'BOOKED', slot: { booked: 1 } });
    live.stop();
  });
});

describe('start-up', () => {
  it('brings three processes started at once on a fresh database up, running the migrations once', async () => {
    const database = await createTestDatabase();
    try {
      const processes = await Promise.all([1, 2, 3].map(() => startServerProcess({ DATABASE_URL: database.url })));
      try {
        const health = await Promise.all(processes.map((process) => fetch(process.url.replace('/graphql', '/health'))));
        expect(health.map((response) => response.status)).toEqual([200, 200, 200]);
        const client = new (await import('pg')).Client({ connectionString: database.url });
        await client.connect();
        const { rows } = await client.query(
          'select name, count(*)::int as runs from mikro_orm_migrations group by name',
        );
        await client.end();
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((row: { runs: number }) => row.runs === 1)).toBe(true);
      } finally {
        await Promise.all(processes.map((process) => process.stop()));
      }
    } finally {
      await database.drop();
    }
  });
});
