import { DateTime } from 'luxon';
import {
  BookDocument,
  CheckAvailabilityDocument,
  CreateBlackoutDocument,
  CreateScheduleDocument,
  GenerateSlotsDocument,
  JoinWaitlistDocument,
  SetAvailabilityDocument,
  SlotAlternativesDocument,
  UpdateServiceDocument,
  type AvailabilityCheckInput,
  type PartyInput,
} from '../client/generated/graphql';
import { createService, daysFromNow, shiftDate, signUp, type Account, startWithAccounts } from './support/fixtures';
import { codes, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
beforeAll(async () => ({ server, owner, customer } = await startWithAccounts()));
afterAll(() => server.stop());

/** Working hours of a Rome service from `from` to `to`: a slot at each hour from startTime while it ends by endTime. */
async function hourly(
  serviceId: string,
  from: string,
  to: string,
  startTime: string,
  endTime: string,
  slotMinutes = 60,
) {
  const { createSchedule } = await server.ok(
    CreateScheduleDocument,
    {
      serviceId,
      input: {
        recurrence: { frequency: 'DAILY' },
        startTime,
        endTime,
        slotMinutes,
        durationMinutes: 60,
        validFrom: from,
      },
    },
    owner.token,
  );
  return (await server.ok(GenerateSlotsDocument, { scheduleId: createSchedule.id, from, to }, owner.token))
    .generateSlots;
}

const check = async (input: AvailabilityCheckInput, alternatives?: number) =>
  (await server.ok(CheckAvailabilityDocument, { input, alternatives })).checkAvailability;

async function book(slotId: string, party: PartyInput) {
  const someone = await signUp(server, 'CUSTOMER');
  await server.ok(BookDocument, { input: { slotIds: [slotId], party } }, someone.token);
}

describe('the availability check', () => {
  it('answers per-day slots, blocked dates and counts in the service’s zone and in another one', async () => {
    const service = await createService(server, owner, { timezone: 'Europe/Rome', capacity: 4, maxPartySize: 4 });
    const day = daysFromNow(30);
    // 09:00 and 22:00 Rome each day, a slot every 13 hours from 09:00 while it ends by 23:00.
    const slots = await hourly(service.id, day, shiftDate(day, 2), '09:00', '23:00', 13 * 60);
    expect(slots).toHaveLength(6);
    await server.ok(
      CreateBlackoutDocument,
      {
        input: {
          serviceId: service.id,
          startsOn: shiftDate(day, 1),
          endsOn: shiftDate(day, 2),
          kind: 'HOLIDAY',
          name: 'Festival',
        },
      },
      owner.token,
    );
    const range = { serviceId: service.id, from: day, to: shiftDate(day, 2), party: { adults: 2 } };

    const rome = await check(range);
    expect(rome).toMatchObject({
      timezone: 'Europe/Rome',
      party: { adults: 2, children: 0, infants: 0, total: 2 },
      blockedDates: [shiftDate(day, 1), shiftDate(day, 2)],
      slotCount: 6,
      availableSlotCount: 2,
      fits: true,
      waitlistOpen: false,
    });
    expect(rome.days.map((d) => [d.date, d.blocked, d.fits, d.reason, d.slots.map((s) => s.startTime)])).toEqual([
      [day, false, true, null, ['09:00', '22:00']],
      [shiftDate(day, 1), true, false, 'BLACKED_OUT', ['09:00', '22:00']],
      [shiftDate(day, 2), true, false, 'BLACKED_OUT', ['09:00', '22:00']],
    ]);

    // Tokyo is 7 or 8 hours ahead of Rome: 22:00 in Rome is the next morning there.
    const tokyo = await check({ ...range, timezone: 'Asia/Tokyo' });
    const inTokyo = (startsAt: string) => DateTime.fromISO(startsAt, { zone: 'Asia/Tokyo' });
    expect(tokyo.timezone).toBe('Asia/Tokyo');
    expect(tokyo.slotCount).toBe(5); // Rome's last 22:00 falls on the day after the range in Tokyo
    expect(tokyo.days.map((d) => [d.date, d.slots.map((s) => s.slot.id)])).toEqual([
      [day, [slots[0].id]],
      [shiftDate(day, 1), [slots[1].id, slots[2].id]],
      [shiftDate(day, 2), [slots[3].id, slots[4].id]],
    ]);
    for (const slot of tokyo.days.flatMap((d) => d.slots)) {
      expect([slot.date, slot.startTime]).toEqual([
        inTokyo(slot.slot.startsAt).toISODate(),
        inTokyo(slot.slot.startsAt).toFormat('HH:mm'),
      ]);
    }
    expect(tokyo.days[1].slots[0].startTime < '09:00').toBe(true);
    // Rome's blacked-out days cover all of a Tokyo date only once both are blocked; the first Tokyo date they
    // touch still has Rome's 22:00 of the day before.
    expect(tokyo.blockedDates).toEqual([shiftDate(day, 2)]);
    expect(tokyo.days.map((d) => [d.blocked, d.fits, d.reason])).toEqual([
      [false, true, null],
      [false, true, null],
      [true, false, 'BLACKED_OUT'],
    ]);
    expect(tokyo.days[1].slots.map((s) => s.reason)).toEqual([null, 'BLACKED_OUT']);
  });

  it('says for a date and a party whether it fits, why not, and whether the waitlist is open', async () => {
    const service = await createService(server, owner, {
      timezone: 'Europe/Rome',
      capacity: 4,
      minPartySize: 2,
      maxPartySize: 4,
    });
    const day = daysFromNow(35);
    const [morning, evening] = await hourly(service.id, day, day, '09:00', '23:00', 13 * 60);
    const date = { serviceId: service.id, from: day, to: day };
    const verdict = async (party?: PartyInput) => {
      const [answer] = (await check({ ...date, party })).days;
      return [answer.fits, answer.reason, answer.waitlistOpen, answer.slots.map((s) => [s.reason, s.waitlistOpen])];
    };
    expect(await verdict()).toEqual([
      true,
      null,
      false,
      [
        [null, false],
        [null, false],
      ],
    ]); // 2 adults by default
    expect(await verdict({ adults: 1 })).toEqual([
      false,
      'PARTY_TOO_SMALL',
      false,
      [
        ['PARTY_TOO_SMALL', false],
        ['PARTY_TOO_SMALL', false],
      ],
    ]);
    expect(await verdict({ adults: 3, children: 1, infants: 1 })).toEqual([
      false,
      'PARTY_TOO_LARGE',
      false,
      [
        ['PARTY_TOO_LARGE', false],
        ['PARTY_TOO_LARGE', false],
      ],
    ]);
    await book(morning.id, { adults: 3 });
    // The date fits (22:00); 09:00 is full for two, and its waitlist takes them.
    expect(await verdict({ adults: 2 })).toEqual([
      true,
      null,
      true,
      [
        ['FULL', true],
        [null, false],
      ],
    ]);
    const queued = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: morning.id, partySize: 2 } },
      customer.token,
    );
    expect(queued.joinWaitlist.status).toBe('ACTIVE');
    await server.ok(
      SetAvailabilityDocument,
      { serviceId: service.id, from: evening.startsAt, to: evening.endsAt, open: false },
      owner.token,
    );
    // Nothing fits: the nearest reason is FULL, whose waitlist takes the party.
    expect(await verdict({ adults: 2 })).toEqual([
      false,
      'FULL',
      true,
      [
        ['FULL', true],
        ['CLOSED', false],
      ],
    ]);
    const empty = (await check({ ...date, from: shiftDate(day, 1), to: shiftDate(day, 1) })).days[0];
    expect(empty).toMatchObject({ fits: false, reason: 'NO_SLOTS', blocked: false, slots: [] });
  });

  it('refuses a bad zone, an unbounded range and an unpublished service', async () => {
    const service = await createService(server, owner);
    const from = daysFromNow(10);
    const refused = async (input: Partial<AvailabilityCheckInput>) =>
      server.request(CheckAvailabilityDocument, { input: { serviceId: service.id, from, to: from, ...input } });
    expect((await refused({ timezone: 'Mars/Olympus' })).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'timezone',
    });
    expect((await refused({ to: shiftDate(from, 42) })).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'to',
    });
    expect((await refused({ to: shiftDate(from, -1) })).errors?.[0].extensions).toMatchObject({ field: 'to' });
    expect((await refused({ party: { adults: 0 } })).errors?.[0].extensions).toMatchObject({ field: 'party.adults' });
    expect((await check({ serviceId: service.id, from, to: shiftDate(from, 41) })).days).toHaveLength(42);
    await server.ok(UpdateServiceDocument, { id: service.id, input: { active: false } }, owner.token);
    expect(codes(await refused({}))).toEqual(['NOT_FOUND']);
  });
});

describe('alternatives', () => {
  it('are the nearest slots of the same service that fit the party when a slot is full', async () => {
    const service = await createService(server, owner, { timezone: 'Europe/Rome', capacity: 2, maxPartySize: 2 });
    const day = daysFromNow(45);
    // 09:00, 10:00, 11:00 and 12:00 each day.
    const slots = await hourly(service.id, day, shiftDate(day, 1), '09:00', '13:00');
    const [nine, ten, eleven, twelve, nextNine, nextTen, nextEleven] = slots;
    await book(ten.id, { adults: 2 }); // full
    await book(nine.id, { adults: 1 });
    await book(eleven.id, { adults: 1 });

    const full = await server.request(
      BookDocument,
      { input: { slotIds: [ten.id], party: { adults: 2 } } },
      customer.token,
    );
    expect(full.errors?.[0].extensions).toMatchObject({ code: 'CAPACITY_EXCEEDED', slotId: ten.id });
    const ids = async (party: PartyInput, first?: number) =>
      (await server.ok(SlotAlternativesDocument, { slotId: ten.id, party, first })).slotAlternatives.map((s) => s.id);
    // Two people: 09:00 and 11:00 have one seat left; then by distance.
    expect(await ids({ adults: 2 })).toEqual([twelve.id, nextNine.id, nextTen.id]);
    // One person: 09:00 and 11:00 are as near; the earlier first.
    expect(await ids({ adults: 1 }, 4)).toEqual([nine.id, eleven.id, twelve.id, nextNine.id]);
    await server.ok(
      SetAvailabilityDocument,
      { serviceId: service.id, from: nextNine.startsAt, to: nextNine.endsAt, open: false },
      owner.token,
    );
    expect(await ids({ adults: 2 })).toEqual([twelve.id, nextTen.id, nextEleven.id]);

    // The same in the check, on the full slot only.
    const { days } = await check({ serviceId: service.id, from: day, to: day, party: { adults: 2 } }, 2);
    expect(days[0].slots.map((s) => [s.reason, s.alternatives.map((a) => a.id)])).toEqual([
      ['FULL', [twelve.id, nextTen.id]],
      ['FULL', [twelve.id, nextTen.id]],
      ['FULL', [twelve.id, nextTen.id]],
      [null, []],
    ]);
    // Each alternative can be booked.
    await server.ok(BookDocument, { input: { slotIds: [twelve.id], party: { adults: 2 } } }, customer.token);

    const tooMany = await server.request(SlotAlternativesDocument, { slotId: ten.id, party: { adults: 1 }, first: 11 });
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const tooLarge = await server.request(SlotAlternativesDocument, { slotId: ten.id, party: { adults: 3 } });
    expect(tooLarge.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'party' });
    expect(codes(await server.request(SlotAlternativesDocument, { slotId: '999999', party: { adults: 1 } }))).toEqual([
      'NOT_FOUND',
    ]);
  });
});
