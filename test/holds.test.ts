import { BookDocument, CancelBookingDocument, type BookInput } from '../client/generated/graphql';
import { loadConfig } from '../src/config';
import { TestClock } from './support/clock';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  runJobsNow,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { codes, type TestServer, tally } from './support/server';

const MINUTE = 60_000;
const clock = new TestClock();
let stripe: FakeStripe;
let server: TestServer;

beforeAll(async () => {
  ({ stripe, server } = await startWithStripe({ stripe: { timeoutMs: 2_000 } }, clock));
});
afterAll(() => stopAll(server, stripe));

/** A paid service's daily slots, `days` of them, of a provider of its own (a provider's own times never overlap). */
async function paidSlots(days: number, capacity = 1) {
  const owner = await signUp(server, 'PROVIDER');
  const service = await createService(server, owner, {
    requiresPayment: true,
    priceAmount: '40.00',
    capacity,
    maxPartySize: capacity,
  });
  const slots = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5 + days - 1));
  return slots.map((slot) => slot.id);
}

const book = (who: Account, slotIds: string[], adults = 1) =>
  server.request(BookDocument, { input: { slotIds, party: { adults } } satisfies BookInput }, who.token);

const intents = () => stripe.calls(/^POST \/v1\/payment_intents$/).length;

describe('unpaid holds', () => {
  it('default to 3 bookings and 100 seats per service, 10 bookings and 200 seats in all, 15 minutes of cooldown', () => {
    expect(loadConfig({}).holds).toEqual({
      bookingsPerService: 3,
      seatsPerService: 100,
      bookings: 10,
      seats: 200,
      cooldownMinutes: 15,
    });
  });

  it('one customer asking for all 31 slots of a paid service at once holds 3; the others stay free for everyone', async () => {
    const slotIds = await paidSlots(31);
    const hoarder = await signUp(server, 'CUSTOMER');
    const results = await Promise.all(slotIds.map((slotId) => book(hoarder, [slotId])));
    expect(tally(results)).toEqual({ OK: 3, HOLD_LIMIT_REACHED: 28 });
    const refused = results.find((result) => codes(result)[0] === 'HOLD_LIMIT_REACHED')!;
    expect(refused.errors![0].extensions).toMatchObject({ limit: 'BOOKINGS_PER_SERVICE', max: 3 });
    expect(refused.errors![0].message).toMatch(/unpaid bookings .* for this service \(3\)/);
    const held = results.flatMap((result, i) => (result.errors ? [] : [slotIds[i]]));
    const [{ count }] = await server.sql<{ count: string }>(
      `select count(*) from booking where customer_id = $1 and status = 'PENDING_PAYMENT'`,
      [hoarder.userId],
    );
    expect(count).toBe('3');

    // Everybody else books the rest.
    const other = await signUp(server, 'CUSTOMER');
    const free = slotIds.find((slotId) => !held.includes(slotId))!;
    expect(codes(await book(other, [free]))).toEqual([]);
    // A fourth ask, one at a time, is refused before any card payment is started.
    const before = intents();
    expect(codes(await book(hoarder, [slotIds.find((slotId) => !held.includes(slotId) && slotId !== free)!]))).toEqual([
      'HOLD_LIMIT_REACHED',
    ]);
    expect(intents()).toBe(before);
  });

  it('count seats over every slot of a hold: a party of 4 on 26 slots (104 seats) is refused, on 25 it is held', async () => {
    const slotIds = await paidSlots(26, 4);
    const family = await signUp(server, 'CUSTOMER');
    const tooMany = await book(family, slotIds, 4);
    expect(tooMany.errors![0].extensions).toMatchObject({
      code: 'HOLD_LIMIT_REACHED',
      limit: 'SEATS_PER_SERVICE',
      max: 100,
    });
    expect(codes(await book(family, slotIds.slice(0, 25), 4))).toEqual([]);
  });

  it('count every service: the eleventh unpaid booking in all is refused', async () => {
    const customer = await signUp(server, 'CUSTOMER');
    const services = await Promise.all([1, 2, 3, 4].map(() => paidSlots(3)));
    const results = [];
    for (const slotIds of services) for (const slotId of slotIds) results.push(await book(customer, [slotId]));
    expect(tally(results)).toEqual({ OK: 10, HOLD_LIMIT_REACHED: 2 });
    expect(results[10].errors![0].extensions).toMatchObject({ limit: 'BOOKINGS', max: 10 });
    // Cancelling one frees a place under the cap (on another slot: the cancelled one cools down).
    const first = results.find((result) => !result.errors)!.data!.book.id;
    await server.ok(CancelBookingDocument, { id: first }, customer.token);
    expect(codes(await book(customer, [services[3][2]]))).toEqual([]);
  });

  it('wait 15 minutes before the same customer holds a slot again after cancelling, or letting the hold run out', async () => {
    const slotIds = await paidSlots(3);
    const customer = await signUp(server, 'CUSTOMER');
    const { data } = await book(customer, [slotIds[0]]);
    await server.ok(CancelBookingDocument, { id: data!.book.id }, customer.token);

    // Cancel and book again at once: refused, saying when; another customer, or another slot, is fine.
    const again = await book(customer, [slotIds[0]]);
    expect(again.errors![0].extensions).toMatchObject({ code: 'HOLD_COOLDOWN', slotId: slotIds[0] });
    const retryAfter = again.errors![0].extensions.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(codes(await book(customer, [slotIds[1]]))).toEqual([]);

    // A hold that runs out (15 minutes, then its expiry job) cools down as well.
    clock.advance(16 * MINUTE);
    await runJobsNow(server, 'expire_payment_hold');
    expect(codes(await book(customer, [slotIds[1]]))).toEqual(['HOLD_COOLDOWN']);
    // The first slot's cooldown is over.
    expect(codes(await book(customer, [slotIds[0]]))).toEqual([]);
    clock.advance(16 * MINUTE);
    expect(codes(await book(customer, [slotIds[1]]))).toEqual([]);
  });
});
