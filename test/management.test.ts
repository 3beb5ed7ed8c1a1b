import { DateTime } from 'luxon';
import {
  BookDocument,
  BookingDetailsDocument,
  BlackoutsDocument,
  CancelSlotDocument,
  CreateBlackoutDocument,
  CreateScheduleDocument,
  GenerateSlotsDocument,
  JoinWaitlistDocument,
  MyWaitlistDocument,
  ProvidersDocument,
  SchedulesDocument,
  ServicesDocument,
  SlotsDocument,
  UpdateMeDocument,
  UpdateProviderProfileDocument,
  UpdateScheduleDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  intentOf,
  jobsSettled,
  logInAdmin,
  signUp,
  startWithStripe,
  stopAll,
  storedMails,
  type Account,
} from './support/fixtures';
import { codes, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let rival: Account;
let customers: Account[];

beforeAll(async () => {
  ({ stripe, server } = await startWithStripe({ stripe: { timeoutMs: 300 } }));
  [owner, rival, ...customers] = await Promise.all([
    signUp(server, 'PROVIDER', 'Marina Surf School'),
    signUp(server, 'PROVIDER', 'Rival'),
    signUp(server, 'CUSTOMER', 'Ann'),
    signUp(server, 'CUSTOMER', 'Bob'),
    signUp(server, 'CUSTOMER', 'Cy'),
  ]);
});
afterAll(() => stopAll(server, stripe));

describe('profiles and listings', () => {
  it('lists providers with an active service, searches their name and bio, and finds services by provider name', async () => {
    const lessons = await createService(server, owner, { name: 'Lessons', category: 'Sport' });
    const idle = await signUp(server, 'PROVIDER', 'Marina Idle');
    const hidden = await createService(server, idle, { name: 'Hidden' });
    await server.ok(UpdateServiceDocument, { id: hidden.id, input: { active: false } }, idle.token);
    const { updateProviderProfile } = await server.ok(
      UpdateProviderProfileDocument,
      { input: { bio: 'Waves since 1999' } },
      owner.token,
    );
    expect(updateProviderProfile).toMatchObject({
      id: owner.providerId,
      name: 'Marina Surf School',
      bio: 'Waves since 1999',
    });

    const names = async (vars: object) => (await server.ok(ProvidersDocument, vars)).providers.map((p) => p.name);
    expect(await names({ search: 'marina' })).toEqual(['Marina Surf School']);
    expect(await names({ search: 'WAVES' })).toEqual(['Marina Surf School']);
    expect(await names({ category: 'sport' })).toEqual(['Marina Surf School']);
    expect(await names({ category: 'wellness' })).toEqual([]);
    expect((await server.ok(ProvidersDocument, { search: 'marina' })).providers[0].services.map((s) => s.id)).toEqual([
      lessons.id,
    ]);
    expect((await server.ok(ServicesDocument, { search: 'surf school' })).services.map((s) => s.id)).toEqual([
      lessons.id,
    ]);

    expect(
      codes(await server.request(UpdateProviderProfileDocument, { input: { name: 'x' } }, customers[0].token)),
    ).toEqual(['FORBIDDEN']);
    const bad = await server.request(UpdateProviderProfileDocument, { input: { name: '  ' } }, owner.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it("changes the caller's name and IANA time zone, and refuses a zone that is not one", async () => {
    const { updateMe } = await server.ok(
      UpdateMeDocument,
      { input: { name: 'Ann B', timezone: 'America/New_York' } },
      customers[0].token,
    );
    expect(updateMe).toMatchObject({ name: 'Ann B', timezone: 'America/New_York' });
    for (const timezone of ['Mars/Olympus', 'CET+1', '']) {
      const result = await server.request(UpdateMeDocument, { input: { timezone } }, customers[0].token);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
    }
    expect(codes(await server.request(UpdateMeDocument, { input: { name: 'x' } }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('schedules, blackouts and slots', () => {
  it('generates no past slot, lists schedules to their provider, and moves or closes future free slots on update', async () => {
    const service = await createService(server, owner, { name: 'Morning class' });
    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      {
        serviceId: service.id,
        input: {
          name: 'Mornings',
          recurrence: { frequency: 'DAILY' },
          startTime: '09:00',
          validFrom: daysFromNow(-10),
        },
      },
      owner.token,
    );
    const { generateSlots } = await server.ok(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: daysFromNow(-10), to: daysFromNow(5) },
      owner.token,
    );
    expect(generateSlots.length).toBeGreaterThanOrEqual(5);
    expect(generateSlots.every((slot) => new Date(slot.startsAt) > new Date())).toBe(true);

    expect((await server.ok(SchedulesDocument, { serviceId: service.id }, owner.token)).schedules).toMatchObject([
      { id: createSchedule.id, name: 'Mornings', active: true },
    ]);
    expect(codes(await server.request(SchedulesDocument, { serviceId: service.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(SchedulesDocument, { serviceId: service.id }, customers[1].token))).toEqual([
      'FORBIDDEN',
    ]);

    const kept = generateSlots[generateSlots.length - 1];
    await server.ok(BookDocument, { input: { slotIds: [kept.id], party: { adults: 2 } } }, customers[1].token);
    const { updateSchedule } = await server.ok(
      UpdateScheduleDocument,
      { id: createSchedule.id, input: { startTime: '10:30', capacity: 4, durationMinutes: 90 } },
      owner.token,
    );
    expect(updateSchedule).toMatchObject({ startTime: '10:30', capacity: 4, durationMinutes: 90 });
    const from = DateTime.now().minus({ days: 1 }).toISO()!;
    const to = DateTime.now().plus({ days: 7 }).toISO()!;
    const slots = (await server.ok(SlotsDocument, { serviceId: service.id, from, to })).slots;
    const rome = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Rome' }).toFormat('HH:mm');
    for (const slot of slots.filter((s) => s.id !== kept.id))
      expect([rome(slot.startsAt), slot.capacity]).toEqual(['10:30', 4]);
    expect(slots.find((s) => s.id === kept.id)).toMatchObject({ capacity: 10, booked: 2 });
    expect(rome(slots.find((s) => s.id === kept.id)!.startsAt)).toBe('09:00');

    await server.ok(UpdateScheduleDocument, { id: createSchedule.id, input: { active: false } }, owner.token);
    const after = (await server.ok(SlotsDocument, { serviceId: service.id, from, to })).slots;
    expect(after.filter((s) => s.id !== kept.id).every((s) => s.status === 'CLOSED')).toBe(true);
    expect(after.find((s) => s.id === kept.id)).toMatchObject({ status: 'OPEN', booked: 2 });

    const bad = await server.request(
      UpdateScheduleDocument,
      { id: createSchedule.id, input: { startTime: '25:00' } },
      owner.token,
    );
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startTime' });
    expect(
      codes(
        await server.request(UpdateScheduleDocument, { id: createSchedule.id, input: { active: true } }, rival.token),
      ),
    ).toEqual(['FORBIDDEN']);
  });

  it('lists blackouts to the provider who can delete them', async () => {
    const service = await createService(server, owner, { name: 'Kiosk' });
    const other = await createService(server, owner, { name: 'Stand' });
    const input = { startsOn: daysFromNow(20), endsOn: daysFromNow(21), kind: 'HOLIDAY' as const };
    const { createBlackout: own } = await server.ok(
      CreateBlackoutDocument,
      { input: { ...input, serviceId: service.id, name: 'Kiosk closed' } },
      owner.token,
    );
    const { createBlackout: all } = await server.ok(
      CreateBlackoutDocument,
      { input: { ...input, name: 'Everything closed' } },
      owner.token,
    );
    await server.ok(
      CreateBlackoutDocument,
      { input: { ...input, serviceId: other.id, name: 'Stand closed' } },
      owner.token,
    );
    const ids = async (vars: object, who = owner) =>
      (await server.ok(BlackoutsDocument, vars, who.token)).blackouts.map((b) => b.id).sort();
    expect(await ids({ serviceId: service.id })).toEqual([own.id, all.id].sort());
    expect(await ids({})).toHaveLength(3);
    expect(await ids({ from: daysFromNow(22) })).toEqual([]);
    expect(await ids({ serviceId: service.id }, await logInAdmin(server))).toEqual([own.id, all.id].sort());
    expect(await ids({}, rival)).toEqual([]);
    expect(codes(await server.request(BlackoutsDocument, { serviceId: service.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    const bad = await server.request(BlackoutsDocument, { from: daysFromNow(5), to: daysFromNow(4) }, owner.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('cancels a departure: bookings cancelled by the provider, refunded in full, told; waitlist entries end', async () => {
    const service = await createService(server, owner, {
      name: 'Boat trip',
      requiresPayment: true,
      priceAmount: '40.00',
      capacity: 2,
      cutoffHours: 24,
    });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const bookings = [];
    for (const customer of customers.slice(0, 2)) {
      const { book } = await server.ok(
        BookDocument,
        { input: { slotIds: [slot.id], party: { adults: 1 } } },
        customer.token,
      );
      const intentId = await intentOf(server, book.id);
      expect((await stripe.deliver(server.url, stripe.settle(intentId, 'succeeded'))).status).toBe(200);
      bookings.push({ id: book.id, customer, intentId });
    }
    await jobsSettled(server);
    const { joinWaitlist } = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slot.id, partySize: 1 } },
      customers[2].token,
    );

    expect(codes(await server.request(CancelSlotDocument, { id: slot.id, reason: 'Storm' }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    const empty = await server.request(CancelSlotDocument, { id: slot.id, reason: ' ' }, owner.token);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });

    const { cancelSlot } = await server.ok(CancelSlotDocument, { id: slot.id, reason: 'Storm warning' }, owner.token);
    expect(cancelSlot).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'Storm warning',
      booked: 0,
      held: 0,
      available: 0,
    });
    await jobsSettled(server);
    for (const { id, customer, intentId } of bookings) {
      const { booking } = await server.ok(BookingDetailsDocument, { id }, customer.token);
      // CANCELLED, then REFUNDED once the refund job heard the bank confirm it.
      expect(booking).toMatchObject({
        status: 'REFUNDED',
        cancellationReason: 'Storm warning',
        refunded: { amount: '40.00' },
      });
      expect(stripe.distinctCalls(/^\/v1\/refunds$/).filter((call) => call.params.payment_intent === intentId)).toEqual(
        [expect.objectContaining({ params: expect.objectContaining({ payment_intent: intentId, amount: '4000' }) })],
      );
      expect((await storedMails(server, customer.email)).map((mail) => mail.subject)).toContainEqual(
        expect.stringMatching(/^Booking cancelled/),
      );
    }
    const { myWaitlist } = await server.ok(MyWaitlistDocument, {}, customers[2].token);
    expect(myWaitlist.find((entry) => entry.id === joinWaitlist.id)).toMatchObject({ status: 'CANCELLED' });
    const again = await server.request(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customers[2].token,
    );
    expect(again.errors?.[0].extensions.code).toBe('SLOT_UNAVAILABLE');
    expect(codes(await server.request(CancelSlotDocument, { id: slot.id, reason: 'Again' }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
  });
});
