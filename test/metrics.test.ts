import {
  BookDocument,
  CancelBookingDocument,
  ClaimWaitlistOfferDocument,
  JoinWaitlistDocument,
  ModifyBookingDocument,
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
import { codes, serverMetric, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;

beforeAll(async () => ({ server, owner, customer } = await startWithAccounts()));
afterAll(() => server.stop());

const NAMES = [
  'bookings_created_total',
  'bookings_cancelled_total',
  'booking_conflicts_total',
  'capacity_errors_total',
  'waitlist_offers_total',
  'waitlist_conversions_total',
  'average_booking_time_seconds_count',
  'slot_utilization_percentage',
] as const;
type Name = (typeof NAMES)[number];

/** Every business metric, as /metrics shows it now. */
async function snapshot(): Promise<Record<Name, number>> {
  const values = await Promise.all(NAMES.map((name) => serverMetric(server.url, name)));
  return Object.fromEntries(NAMES.map((name, index) => [name, values[index]])) as Record<Name, number>;
}

/** How each metric moved while `run` ran. */
async function movedBy(run: () => Promise<unknown>): Promise<Partial<Record<Name, number>>> {
  const before = await snapshot();
  await run();
  const after = await snapshot();
  return Object.fromEntries(
    NAMES.filter((name) => name !== 'slot_utilization_percentage' && after[name] !== before[name]).map((name) => [
      name,
      after[name] - before[name],
    ]),
  );
}

async function oneSlot(capacity: number, day: number) {
  const { service, slots } = await serviceWithSlots(server, owner, { capacity, allowOverlappingBookings: true }, day);
  return { service, slot: slots[0] };
}

const book = (slotId: string, adults: number, who: Account = customer) =>
  server.request(BookDocument, { input: { slotIds: [slotId], party: { adults } } }, who.token);

describe('business metrics', () => {
  it('show the share of seats taken in the next 30 days', async () => {
    expect((await snapshot()).slot_utilization_percentage).toBe(0);
    const { slot } = await oneSlot(10, 5);
    await oneSlot(10, 40); // beyond 30 days: not counted
    await book(slot.id, 4);
    expect((await snapshot()).slot_utilization_percentage).toBe(40); // 4 of the 10 seats starting within 30 days
  });

  it('count bookings made and cancelled, and time each book answer', async () => {
    const { slot } = await oneSlot(5, 6);
    let bookingId = '';
    expect(
      await movedBy(async () => {
        bookingId = (await book(slot.id, 2)).data!.book.id;
        await book(slot.id, 1);
      }),
    ).toEqual({ bookings_created_total: 2, average_booking_time_seconds_count: 2 });
    expect(await movedBy(() => server.ok(CancelBookingDocument, { id: bookingId }, customer.token))).toEqual({
      bookings_cancelled_total: 1,
    });
  });

  it('count seats asked for that were not free, and the races the database decided', async () => {
    const service = await createService(server, owner, { capacity: 1 });
    const [small, other] = await dailySlots(server, owner, service.id, daysFromNow(7), daysFromNow(8));
    const rival = await signUp(server, 'CUSTOMER');
    await book(small.id, 1, rival);
    // Refused by the read check: a conflict, not a database refusal.
    expect(await movedBy(async () => expect(codes(await book(small.id, 1))).toEqual(['CAPACITY_EXCEEDED']))).toEqual({
      booking_conflicts_total: 1,
      average_booking_time_seconds_count: 1,
    });
    // A modification takes its new seats with the write alone: the database refuses it.
    const mine = (await book(other.id, 1)).data!.book;
    const moved = await movedBy(async () => {
      const refused = await server.request(
        ModifyBookingDocument,
        { id: mine.id, input: { slotIds: [small.id] } },
        customer.token,
      );
      expect(codes(refused)).toEqual(['CAPACITY_EXCEEDED']);
    });
    expect(moved).toEqual({ booking_conflicts_total: 1, capacity_errors_total: 1 });
  });

  it('count waitlist offers and the ones claimed', async () => {
    const { service, slot } = await oneSlot(2, 8);
    const rival = await signUp(server, 'CUSTOMER');
    const taken = (await book(slot.id, 2, rival)).data!.book;
    const { joinWaitlist } = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slot.id, partySize: 2 } },
      customer.token,
    );
    expect(await movedBy(() => server.ok(CancelBookingDocument, { id: taken.id }, rival.token))).toEqual({
      bookings_cancelled_total: 1,
      waitlist_offers_total: 1,
    });
    expect(await movedBy(() => server.ok(ClaimWaitlistOfferDocument, { id: joinWaitlist.id }, customer.token))).toEqual(
      { bookings_created_total: 1, waitlist_conversions_total: 1 },
    );
  });
});
