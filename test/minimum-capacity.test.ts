import {
  BookDocument,
  BookingDocument,
  CreateScheduleDocument,
  ScheduleMinimumsDocument,
  SlotMinimumsDocument,
  UpdateScheduleDocument,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  intentOf,
  jobsSettled,
  runJobsNow,
  signUp,
  startWithStripe,
  stopAll,
  storedMails,
  type Account,
} from './support/fixtures';
import type { TestServer } from './support/server';

const clock = new TestClock();
let stripe: FakeStripe;
let server: TestServer;
let owner: Account;

beforeAll(async () => ({ stripe, server, owner } = await startWithStripe({ stripe: { timeoutMs: 300 } }, clock)));
afterAll(() => stopAll(server, stripe));

/** A booking of `adults` paid by card (the bank's success delivered and applied). */
async function paidBooking(customer: Account, slotId: string, adults: number) {
  const { book } = await server.ok(BookDocument, { input: { slotIds: [slotId], party: { adults } } }, customer.token);
  const intentId = await intentOf(server, book.id);
  expect((await stripe.deliver(server.url, stripe.settle(intentId, 'succeeded'))).status).toBe(200);
  await jobsSettled(server);
  return { id: book.id, intentId };
}

describe('minimum capacity', () => {
  it('cancels and refunds in full, at its deadline, a departure below its minimum; one that reached it stays', async () => {
    const service = await createService(server, owner, { requiresPayment: true, priceAmount: '30.00', capacity: 10 });
    // Two departures, 48 hours' notice: A (in 4 to 5 days) and B, a day later.
    const slots = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(6), {
      minCapacity: 3,
      minCapacityHours: 48,
    });
    const [a, b] = slots;
    expect((await server.ok(ScheduleMinimumsDocument, { serviceId: service.id }, owner.token)).schedules).toEqual([
      expect.objectContaining({ minCapacity: 3, minCapacityHours: 48 }),
    ]);
    const [ann, bob, cid] = await Promise.all([
      signUp(server, 'CUSTOMER'),
      signUp(server, 'CUSTOMER'),
      signUp(server, 'CUSTOMER'),
    ]);
    const below = await paidBooking(ann, a.id, 2);
    const reached = [await paidBooking(bob, b.id, 2), await paidBooking(cid, b.id, 1)];

    const read = async () =>
      (await server.ok(SlotMinimumsDocument, { serviceId: service.id, from: a.startsAt, to: b.endsAt })).slots;
    const deadline = (startsAt: string) => new Date(Date.parse(startsAt) - 48 * 3_600_000).toISOString();
    expect(await read()).toEqual([
      expect.objectContaining({ id: a.id, minimum: { people: 3, deadline: deadline(a.startsAt), reached: false } }),
      expect.objectContaining({ id: b.id, minimum: { people: 3, deadline: deadline(b.startsAt), reached: true } }),
    ]);

    // Run before its time, the check changes nothing and waits for the deadline again.
    await runJobsNow(server, 'check_minimum_capacity');
    expect((await read()).map((slot) => slot.status)).toEqual(['OPEN', 'OPEN']);

    // Four days on: both deadlines have passed (A's start, 4 to 5 days ahead, has not).
    clock.advance(4 * 24 * 3_600_000);
    await runJobsNow(server, 'check_minimum_capacity');
    await jobsSettled(server);
    const after = await read();
    expect(after[0]).toMatchObject({ id: a.id, status: 'CANCELLED', booked: 0 });
    expect(after[1]).toMatchObject({ id: b.id, status: 'OPEN', booked: 3, minimum: { reached: true } });

    const cancelled = (await server.ok(BookingDocument, { id: below.id }, ann.token)).booking!;
    // Cancelled by the server (no actor), then REFUNDED once the bank confirmed the full refund.
    expect(cancelled.status).toBe('REFUNDED');
    const cancelling = cancelled.history.find((entry) => entry.action === 'booking.cancelled')!;
    expect(cancelling).toMatchObject({ actor: null });
    expect(cancelling.reason).toMatch(/needed at least 3 people/);
    expect(
      stripe
        .calls(/^\/v1\/refunds$/)
        .filter((call) => call.params.payment_intent === below.intentId)
        .map((call) => call.params.amount),
    ).toEqual(['6000']);
    for (const { id } of reached)
      expect((await server.ok(BookingDocument, { id }, owner.token)).booking!.status).toBe('CONFIRMED');
    for (const { intentId } of reached)
      expect(stripe.calls(/^\/v1\/refunds$/).filter((call) => call.params.payment_intent === intentId)).toEqual([]);

    const mails = await storedMails(server, ann.email);
    expect(mails.some((mail) => /needed at least 3 people/.test(mail.text))).toBe(true);
  });

  it('moves the deadline with a departure its schedule moves', async () => {
    const service = await createService(server, owner, { capacity: 4 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(8), daysFromNow(8), {
      minCapacity: 2,
      minCapacityHours: 0,
    });
    const [{ id: scheduleId }] = (await server.ok(ScheduleMinimumsDocument, { serviceId: service.id }, owner.token))
      .schedules;
    await server.ok(UpdateScheduleDocument, { id: scheduleId, input: { startTime: '08:00' } }, owner.token);
    const from = new Date(Date.parse(slot.startsAt) - 2 * 3_600_000).toISOString();
    const [moved] = (await server.ok(SlotMinimumsDocument, { serviceId: service.id, from, to: slot.endsAt })).slots;
    const startsAt = new Date(Date.parse(slot.startsAt) - 3_600_000).toISOString();
    expect(moved).toMatchObject({ id: slot.id, minimum: { people: 2, deadline: startsAt, reached: false } });
  });

  it('refuses a minimum above the capacity, or without its deadline, naming the field', async () => {
    const service = await createService(server, owner, { capacity: 4 });
    for (const [field, input] of [
      ['minCapacity', { minCapacity: 5, minCapacityHours: 24 }],
      ['minCapacityHours', { minCapacity: 2 }],
      ['minCapacityHours', { minCapacity: 2, minCapacityHours: -1 }],
    ] as const) {
      const result = await server.request(
        CreateScheduleDocument,
        {
          serviceId: service.id,
          input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: daysFromNow(5), ...input },
        },
        owner.token,
      );
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
