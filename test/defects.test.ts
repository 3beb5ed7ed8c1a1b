import {
  AvailabilityChangedDocument,
  BookDocument,
  CreateBlackoutDocument,
  JoinWaitlistDocument,
  SetAvailabilityDocument,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  serviceWithSlots,
  signUp,
  startWithAccounts,
  type Account,
} from './support/fixtures';
import { liveClient, Subscription, subscribed } from './support/live';
import { codes, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;

beforeAll(async () => ({ server, owner } = await startWithAccounts()));
afterAll(() => server.stop());

/** A slot `days` ahead of a new service of capacity 1, booked full by someone unless `empty`. */
async function fullSlot(days: number, empty = false) {
  const {
    service,
    slots: [slot],
  } = await serviceWithSlots(server, owner, { capacity: 1 }, days);
  const first = await signUp(server, 'CUSTOMER');
  if (!empty) await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, first.token);
  return { service, slot, date: daysFromNow(days) };
}

describe('waitlist positions', () => {
  it('counts, for a whole-day entry, the slot entries of that day ahead of it, and for a slot entry the whole-day entries ahead', async () => {
    const { service, slot, date } = await fullSlot(4);
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(server, 'CUSTOMER')));
    for (const person of people.slice(0, 3))
      await server.ok(
        JoinWaitlistDocument,
        { input: { serviceId: service.id, slotId: slot.id, partySize: 1 } },
        person.token,
      );
    const { joinWaitlist: byDay } = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, date, partySize: 1 } },
      people[3].token,
    );
    expect(byDay.position).toBe(4);
    const { joinWaitlist: bySlot } = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slot.id, partySize: 1 } },
      people[4].token,
    );
    expect(bySlot.position).toBe(5);
  });
});

describe('joining the waitlist of a slot that cannot be booked', () => {
  it('is refused with the error book gives, for a closed and for a blacked-out slot', async () => {
    const closed = await fullSlot(6, true);
    const customer = await signUp(server, 'CUSTOMER');
    await server.ok(
      SetAvailabilityDocument,
      { serviceId: closed.service.id, from: closed.slot.startsAt, to: closed.slot.endsAt, open: false },
      owner.token,
    );
    const booking = await server.request(
      BookDocument,
      { input: { slotIds: [closed.slot.id], party: { adults: 1 } } },
      customer.token,
    );
    const joining = await server.request(
      JoinWaitlistDocument,
      { input: { serviceId: closed.service.id, slotId: closed.slot.id, partySize: 1 } },
      customer.token,
    );
    expect(codes(booking)).toEqual(['SLOT_UNAVAILABLE']);
    expect(codes(joining)).toEqual(['SLOT_UNAVAILABLE']);
    expect(joining.errors![0].message).toBe(booking.errors![0].message);

    const dark = await fullSlot(7, true);
    await server.ok(
      CreateBlackoutDocument,
      { input: { serviceId: dark.service.id, startsOn: dark.date, endsOn: dark.date, kind: 'WEATHER', name: 'Storm' } },
      owner.token,
    );
    const refused = await server.request(
      JoinWaitlistDocument,
      { input: { serviceId: dark.service.id, slotId: dark.slot.id, partySize: 1 } },
      customer.token,
    );
    expect(codes(refused)).toEqual(['SLOT_UNAVAILABLE']);
    expect(refused.errors![0].message).toContain('blackout');
  });
});

describe('live slot changes', () => {
  it('shows each of seven concurrent bookings with the counters it left, not those read later', async () => {
    const service = await createService(server, owner, { capacity: 10 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(8), daysFromNow(8));
    const client = liveClient(server.url);
    const live = await subscribed(
      server,
      1,
      () => new Subscription(client, AvailabilityChangedDocument, { serviceIds: [service.id] }),
    );
    try {
      const customers = await Promise.all(Array.from({ length: 7 }, () => signUp(server, 'CUSTOMER')));
      await Promise.all(
        customers.map((customer) =>
          server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, customer.token),
        ),
      );
      const results = await live.waitFor(7);
      const booked = results.map((result) => result.data!.availabilityChanged.slot.booked).sort((a, b) => a - b);
      expect(booked).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(results.every((result) => result.data!.availabilityChanged.reason === 'BOOKED')).toBe(true);
    } finally {
      live.stop();
      await client.dispose();
    }
  });
});
