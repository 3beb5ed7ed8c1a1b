import {
  BookDocument,
  BookingDocument,
  CreateScheduleDocument,
  CreateSlotWithMinimumDocument,
  LogInDocument,
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

  it('refuses a later minimum above the capacity, half given, or a capacity below it, naming the field, and changes nothing', async () => {
    const service = await createService(server, owner, { capacity: 4 });
    await dailySlots(server, owner, service.id, daysFromNow(30), daysFromNow(30), {
      minCapacity: 2,
      minCapacityHours: 24,
    });
    const [{ id }] = (await server.ok(ScheduleMinimumsDocument, { serviceId: service.id }, owner.token)).schedules;
    for (const [field, input] of [
      ['minCapacity', { minCapacity: 5, minCapacityHours: 24 }],
      ['minCapacityHours', { minCapacity: 3 }],
      ['minCapacity', { minCapacityHours: null }],
      ['capacity', { capacity: 1 }],
    ] as const) {
      const result = await server.request(UpdateScheduleDocument, { id, input }, owner.token);
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const [schedule] = (await server.ok(ScheduleMinimumsDocument, { serviceId: service.id }, owner.token)).schedules;
    expect(schedule).toMatchObject({ minCapacity: 2, minCapacityHours: 24 });
  });

  it('gives a slot made by hand a minimum of its own, checked at its deadline; refuses one past it, half given or above the capacity', async () => {
    const service = await createService(server, owner, { capacity: 4 });
    const startsAt = new Date(clock.now().getTime() + 3 * 3_600_000);
    const make = (minCapacity: number | null, minCapacityHours: number | null) =>
      server.request(
        CreateSlotWithMinimumDocument,
        {
          serviceId: service.id,
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
          minCapacity,
          minCapacityHours,
        },
        owner.token,
      );
    for (const [field, minCapacity, minCapacityHours] of [
      ['minCapacity', 5, 1],
      ['minCapacityHours', 2, null],
      ['minCapacityHours', 2, 4], // three hours ahead: a deadline four hours before the start has passed
    ] as const) {
      const refused = await make(minCapacity, minCapacityHours);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // Nothing was made: the service's one slot at that start is the next.
    const made = await make(2, 1);
    expect(made.errors).toBeUndefined();
    const deadline = new Date(startsAt.getTime() - 3_600_000).toISOString();
    expect(made.data!.createSlot).toMatchObject({ status: 'OPEN', minimum: { people: 2, deadline, reached: false } });

    clock.advance(2.5 * 3_600_000); // past its deadline, before its start
    await runJobsNow(server, 'check_minimum_capacity');
    await jobsSettled(server);
    const read = {
      serviceId: service.id,
      from: startsAt.toISOString(),
      to: new Date(startsAt.getTime() + 1).toISOString(),
    };
    expect((await server.ok(SlotMinimumsDocument, read)).slots).toEqual([
      expect.objectContaining({ id: made.data!.createSlot.id, status: 'CANCELLED' }),
    ]);
  });

  it('gives no minimum to a departure generated after its deadline, which stays open when the checks run', async () => {
    const service = await createService(server, owner, { capacity: 4 });
    const day = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const [soon, later] = await dailySlots(server, owner, service.id, day(1), day(4), {
      minCapacity: 2,
      minCapacityHours: 48,
    }).then((slots) => [slots[0], slots.at(-1)!]);
    await runJobsNow(server, 'check_minimum_capacity');
    await jobsSettled(server);
    const slots = (
      await server.ok(SlotMinimumsDocument, { serviceId: service.id, from: soon.startsAt, to: later.endsAt })
    ).slots;
    expect([slots[0].status, slots[0].minimum]).toEqual(['OPEN', null]);
    expect(slots.at(-1)).toMatchObject({ status: 'OPEN', minimum: { people: 2 } });
  });

  it('takes a minimum given, changed or removed later: future free departures follow, booked ones and those past the new deadline keep theirs', async () => {
    const service = await createService(server, owner, { capacity: 4 });
    const [a, b, c] = await dailySlots(server, owner, service.id, daysFromNow(10), daysFromNow(12));
    const customer = await signUp(server, 'CUSTOMER');
    await server.ok(BookDocument, { input: { slotIds: [b.id], party: { adults: 1 } } }, customer.token);
    const [{ id }] = (await server.ok(ScheduleMinimumsDocument, { serviceId: service.id }, owner.token)).schedules;
    let token = owner.token;
    const update = (input: { minCapacity?: number | null; minCapacityHours?: number | null }) =>
      server.ok(UpdateScheduleDocument, { id, input }, token);
    const minimums = async () =>
      (await server.ok(SlotMinimumsDocument, { serviceId: service.id, from: a.startsAt, to: c.endsAt })).slots.map(
        (slot) => [slot.status, slot.minimum && { people: slot.minimum.people, deadline: slot.minimum.deadline }],
      );
    const hoursBefore = (startsAt: string, hours: number) =>
      new Date(Date.parse(startsAt) - hours * 3_600_000).toISOString();
    /** The server's clock moved to half a day before `startsAt`; the owner signs in again (their token has expired). */
    const halfADayBefore = async (startsAt: string) => {
      clock.advance(Date.parse(startsAt) - 12 * 3_600_000 - clock.now().getTime());
      token = (await server.ok(LogInDocument, { email: owner.email, password: 'password123' })).logIn.token;
    };

    await update({ minCapacity: 2, minCapacityHours: 24 });
    expect(await minimums()).toEqual([
      ['OPEN', { people: 2, deadline: hoursBefore(a.startsAt, 24) }],
      ['OPEN', null], // booked under no minimum: it keeps none
      ['OPEN', { people: 2, deadline: hoursBefore(c.startsAt, 24) }],
    ]);
    await update({ minCapacity: 3, minCapacityHours: 48 });
    expect(await minimums()).toEqual([
      ['OPEN', { people: 3, deadline: hoursBefore(a.startsAt, 48) }],
      ['OPEN', null],
      ['OPEN', { people: 3, deadline: hoursBefore(c.startsAt, 48) }],
    ]);
    expect((await server.ok(ScheduleMinimumsDocument, { serviceId: service.id }, owner.token)).schedules).toEqual([
      expect.objectContaining({ minCapacity: 3, minCapacityHours: 48 }),
    ]);
    await update({ minCapacity: null, minCapacityHours: null });
    expect(await minimums()).toEqual([
      ['OPEN', null],
      ['OPEN', null],
      ['OPEN', null],
    ]);

    // A minimum given half a day before A is past its deadline for A, which keeps none; C takes it.
    await halfADayBefore(a.startsAt);
    await update({ minCapacity: 2, minCapacityHours: 24 });
    expect(await minimums()).toEqual([
      ['OPEN', null],
      ['OPEN', null],
      ['OPEN', { people: 2, deadline: hoursBefore(c.startsAt, 24) }],
    ]);
    // Past C's deadline: the checks queued for the minimums removed change nothing, and C, empty, is cancelled.
    await halfADayBefore(c.startsAt);
    await runJobsNow(server, 'check_minimum_capacity');
    await jobsSettled(server);
    expect((await minimums()).map(([status]) => status)).toEqual(['OPEN', 'OPEN', 'CANCELLED']);
  });
});
