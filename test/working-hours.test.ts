import { DateTime } from 'luxon';
import {
  BlackoutsDocument,
  BookDocument,
  CancelSlotDocument,
  CreateBlackoutDocument,
  CreateScheduleDocument,
  DeleteBlackoutDocument,
  GenerateSlotsDocument,
  SetAvailabilityDocument,
  SetBlackoutActiveDocument,
  SlotsDocument,
  UpdateScheduleDocument,
  type BlackoutInput,
  type ScheduleInput,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  dstTransitions,
  expectMonthAsSlots,
  logInAdmin,
  shiftDate,
  signUp,
  startWithAccounts,
  type Account,
} from './support/fixtures';
import { codes, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
let admin: Account;
beforeAll(async () => {
  ({ server, owner, customer } = await startWithAccounts());
  admin = await logInAdmin(server);
});
afterAll(() => server.stop());

/** Working hours 09:00 to 17:00 with lunch 12:00 to 13:00 off, a 30-minute slot every 30 minutes. */
const OFFICE: Partial<ScheduleInput> = {
  startTime: '09:00',
  endTime: '17:00',
  slotMinutes: 30,
  breaks: [{ start: '12:00', end: '13:00' }],
  durationMinutes: 30,
};
const OFFICE_TIMES = [
  ...['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
  ...['13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30'],
];

async function workingHours(
  account: Account,
  serviceId: string,
  input: Partial<ScheduleInput>,
  from: string,
  to: string,
) {
  const { createSchedule } = await server.ok(
    CreateScheduleDocument,
    { serviceId, input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: from, ...input } },
    account.token,
  );
  const { generateSlots } = await server.ok(
    GenerateSlotsDocument,
    { scheduleId: createSchedule.id, from, to },
    account.token,
  );
  return { schedule: createSchedule, slots: generateSlots };
}

/** The slots as [local date, wall time] in a zone. */
const wall = (slots: { startsAt: string }[], zone: string) =>
  slots.map((slot) => {
    const local = DateTime.fromISO(slot.startsAt, { zone });
    return [local.toISODate(), local.toFormat('HH:mm')];
  });

describe('working hours split into slots', () => {
  it('makes Mon–Fri 09:00–17:00 in 30-minute slots with a lunch break, keeping wall time across DST', async () => {
    const zone = 'Europe/Rome';
    const { spring, fall } = dstTransitions(zone); // both Sundays
    const service = await createService(server, owner, { timezone: zone, durationMinutes: 30 });
    const weekdays = {
      frequency: 'WEEKLY' as const,
      weekdays: ['MO' as const, 'TU' as const, 'WE' as const, 'TH' as const, 'FR' as const],
    };
    const { schedule, slots } = await workingHours(
      owner,
      service.id,
      { ...OFFICE, recurrence: weekdays },
      shiftDate(spring, -6),
      shiftDate(spring, 5),
    );
    expect(schedule).toMatchObject({ endTime: '17:00', slotMinutes: 30, breaks: [{ start: '12:00', end: '13:00' }] });
    expect(schedule.slotTimes).toEqual(OFFICE_TIMES);
    const days = [-6, -5, -4, -3, -2, 1, 2, 3, 4, 5].map((offset) => shiftDate(spring, offset));
    expect(wall(slots, zone)).toEqual(days.flatMap((day) => OFFICE_TIMES.map((time) => [day, time])));
    // The same wall time is an hour earlier in UTC once summer time began.
    expect(slots[0].startsAt).toBe(`${shiftDate(spring, -6)}T08:00:00.000Z`);
    expect(slots[14 * 5].startsAt).toBe(`${shiftDate(spring, 1)}T07:00:00.000Z`);
    expect(slots.every((slot) => Date.parse(slot.endsAt) - Date.parse(slot.startsAt) === 30 * 60_000)).toBe(true);

    const autumn = await workingHours(
      owner,
      service.id,
      { ...OFFICE, recurrence: weekdays },
      shiftDate(fall, -2),
      shiftDate(fall, 1),
    );
    expect(wall(autumn.slots, zone)).toEqual(
      [shiftDate(fall, -2), shiftDate(fall, 1)].flatMap((day) => OFFICE_TIMES.map((time) => [day, time])),
    );
    expect(autumn.slots[14].startsAt).toBe(`${shiftDate(fall, 1)}T08:00:00.000Z`);
  });

  it('makes one slot of a wall time skipped by spring-forward, and steps of its own length when slotMinutes is omitted', async () => {
    const zone = 'America/New_York';
    const { spring } = dstTransitions(zone);
    const service = await createService(server, owner, { timezone: zone, durationMinutes: 60 });
    const { slots } = await workingHours(
      owner,
      service.id,
      { startTime: '00:00', endTime: '24:00' },
      shiftDate(spring, -1),
      spring,
    );
    const before = wall(slots, zone).filter(([date]) => date === shiftDate(spring, -1));
    const during = wall(slots, zone).filter(([date]) => date === spring);
    expect(before).toHaveLength(24);
    // 02:00 does not exist that night: it reads as 03:00, which is a slot already.
    expect(during).toHaveLength(23);
    expect(during.map(([, time]) => time)).not.toContain('02:00');
  });

  it('closes the free slots its new hours leave out, keeps booked ones, and makes new times when generated again', async () => {
    const service = await createService(server, owner, { timezone: 'Europe/Rome', durationMinutes: 30 });
    const day = daysFromNow(30);
    const { schedule, slots } = await workingHours(owner, service.id, OFFICE, day, day);
    const late = slots.find((slot) => wall([slot], 'Europe/Rome')[0][1] === '16:30')!;
    await server.ok(BookDocument, { input: { slotIds: [late.id], party: { adults: 1 } } }, customer.token);
    const { updateSchedule } = await server.ok(
      UpdateScheduleDocument,
      { id: schedule.id, input: { endTime: '16:00', breaks: [] } },
      owner.token,
    );
    expect(updateSchedule.slotTimes).toEqual([
      ...['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30'],
      ...['13:00', '13:30', '14:00', '14:30', '15:00', '15:30'],
    ]);
    const after = (await server.ok(GenerateSlotsDocument, { scheduleId: schedule.id, from: day, to: day }, owner.token))
      .generateSlots;
    const byTime = new Map(after.map((slot) => [wall([slot], 'Europe/Rome')[0][1], slot]));
    expect(byTime.get('12:00')?.status).toBe('OPEN'); // the old lunch break, made now
    const { slots: all } = await server.ok(SlotsDocument, {
      serviceId: service.id,
      from: `${shiftDate(day, -1)}T00:00:00Z`,
      to: `${shiftDate(day, 2)}T00:00:00Z`,
    });
    const status = new Map(all.map((slot) => [wall([slot], 'Europe/Rome')[0][1], slot.status]));
    expect(status.get('16:00')).toBe('CLOSED'); // free and outside the new hours
    expect(status.get('16:30')).toBe('OPEN'); // booked: it stands
    expect(status.get('15:30')).toBe('OPEN');

    // A schedule of one start a day has no hours to change.
    const [single] = await dailySlots(server, owner, service.id, shiftDate(day, 1), shiftDate(day, 1));
    const [{ schedule_id: singleId }] = await server.sql<{ schedule_id: number }>(
      'select schedule_id from slot where id = $1',
      [single.id],
    );
    for (const input of [{ endTime: '17:00' }, { slotMinutes: 30 }, { breaks: [] }]) {
      const refused = await server.request(UpdateScheduleDocument, { id: String(singleId), input }, owner.token);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: Object.keys(input)[0] });
    }
  });

  it('refuses bad hours naming the field, and more slots than one call makes', async () => {
    const service = await createService(server, owner, { timezone: 'UTC', durationMinutes: 60 });
    const refusal = async (input: Partial<ScheduleInput>) => {
      const result = await server.request(
        CreateScheduleDocument,
        {
          serviceId: service.id,
          input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: '2031-01-01', ...input },
        },
        owner.token,
      );
      return result.errors?.[0].extensions;
    };
    expect(await refusal({ endTime: '08:00' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endTime' });
    expect(await refusal({ endTime: '25:00' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endTime' });
    expect(await refusal({ slotMinutes: 30 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slotMinutes' });
    expect(await refusal({ endTime: '17:00', slotMinutes: 2 })).toMatchObject({ field: 'slotMinutes' });
    expect(await refusal({ endTime: '17:00', breaks: [{ start: '08:00', end: '10:00' }] })).toMatchObject({
      field: 'breaks.0',
    });
    expect(
      await refusal({
        endTime: '17:00',
        breaks: [
          { start: '12:00', end: '13:00' },
          { start: '12:30', end: '14:00' },
        ],
      }),
    ).toMatchObject({ field: 'breaks' });
    expect(await refusal({ endTime: '09:30' })).toMatchObject({ field: 'durationMinutes' });

    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      {
        serviceId: service.id,
        input: {
          recurrence: { frequency: 'DAILY' },
          startTime: '00:00',
          endTime: '24:00',
          slotMinutes: 5,
          durationMinutes: 5,
          validFrom: daysFromNow(1, 'UTC'),
        },
      },
      owner.token,
    );
    const tooMany = await server.request(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: daysFromNow(1, 'UTC'), to: daysFromNow(40, 'UTC') },
      owner.token,
    );
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await server.sql('select 1 from slot where service_id = $1', [service.id])).toHaveLength(0);
  });
});

const blackout = (input: Partial<BlackoutInput> & Pick<BlackoutInput, 'startsOn'>): BlackoutInput => ({
  endsOn: input.startsOn,
  kind: 'CUSTOM',
  name: 'Block',
  ...input,
});

describe('part-day blocks', () => {
  it('closes the slots overlapping a time of the day, in each service’s own zone, and nothing when inactive', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const rome = await createService(server, provider, { timezone: 'Europe/Rome', durationMinutes: 60 });
    const york = await createService(server, provider, { timezone: 'America/New_York', durationMinutes: 60 });
    const day = daysFromNow(20, 'America/New_York');
    const hours = { startTime: '09:00', endTime: '17:00' };
    const romeSlots = (await workingHours(provider, rome.id, hours, day, day)).slots;
    const yorkSlots = (await workingHours(provider, york.id, hours, day, day)).slots;

    // Every service of the provider, 12:00 to 14:00 of that date, read in each service's zone.
    const { createBlackout: lunch } = await server.ok(
      CreateBlackoutDocument,
      {
        input: blackout({ startsOn: day, allDay: false, startTime: '12:00', endTime: '14:00', name: 'Staff meeting' }),
      },
      provider.token,
    );
    expect(lunch).toMatchObject({ allDay: false, startTime: '12:00', endTime: '14:00', active: true, global: false });
    const free = async (serviceId: string, zone: string) => {
      const { slots } = await server.ok(SlotsDocument, {
        serviceId,
        from: `${shiftDate(day, -1)}T00:00:00Z`,
        to: `${shiftDate(day, 2)}T00:00:00Z`,
      });
      return Object.fromEntries(slots.map((slot) => [wall([slot], zone)[0][1], slot.available]));
    };
    const expected = {
      '09:00': 10,
      '10:00': 10,
      '11:00': 10,
      '12:00': 0,
      '13:00': 0,
      '14:00': 10,
      '15:00': 10,
      '16:00': 10,
    };
    expect(await free(rome.id, 'Europe/Rome')).toEqual(expected);
    expect(await free(york.id, 'America/New_York')).toEqual(expected);
    const blocked = romeSlots.find((slot) => wall([slot], 'Europe/Rome')[0][1] === '13:00')!;
    const refused = await server.request(
      BookDocument,
      { input: { slotIds: [blocked.id], party: { adults: 1 } } },
      customer.token,
    );
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'SLOT_UNAVAILABLE', slotId: blocked.id });
    // The month says what the slot list says; the date itself is not a blackout date.
    await expectMonthAsSlots(server, rome.id, day.slice(0, 7));
    await expectMonthAsSlots(server, york.id, day.slice(0, 7));

    // Slots generated later skip the blocked time.
    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      {
        serviceId: rome.id,
        input: { recurrence: { frequency: 'DAILY' }, startTime: '11:30', validFrom: day, durationMinutes: 60 },
      },
      provider.token,
    );
    const generated = await server.ok(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: day, to: day },
      provider.token,
    );
    expect(generated.generateSlots).toEqual([]);

    // Inactive, it blocks nothing; active again, it blocks.
    expect(
      (await server.ok(SetBlackoutActiveDocument, { id: lunch.id, active: false }, provider.token)).setBlackoutActive,
    ).toMatchObject({ active: false });
    expect(await free(rome.id, 'Europe/Rome')).toEqual({ ...expected, '12:00': 10, '13:00': 10 });
    await server.ok(SetBlackoutActiveDocument, { id: lunch.id, active: true }, provider.token);
    expect((await free(york.id, 'America/New_York'))['12:00']).toBe(0);
    expect(yorkSlots).toHaveLength(8);

    const { createBlackout: dormant } = await server.ok(
      CreateBlackoutDocument,
      { input: blackout({ serviceId: rome.id, startsOn: day, active: false }) },
      provider.token,
    );
    expect(dormant.active).toBe(false);
    expect((await free(rome.id, 'Europe/Rome'))['09:00']).toBe(10);
  });

  it('refuses times without allDay false, a missing or inverted time, naming the field', async () => {
    const service = await createService(server, owner);
    const field = async (input: Partial<BlackoutInput>) =>
      (
        await server.request(
          CreateBlackoutDocument,
          { input: blackout({ serviceId: service.id, startsOn: '2031-01-01', ...input }) },
          owner.token,
        )
      ).errors?.[0].extensions;
    expect(await field({ startTime: '10:00' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startTime' });
    expect(await field({ allDay: false, endTime: '10:00' })).toMatchObject({ field: 'startTime' });
    expect(await field({ allDay: false, startTime: '10:00' })).toMatchObject({ field: 'endTime' });
    expect(await field({ allDay: false, startTime: '10:00', endTime: '09:00' })).toMatchObject({ field: 'endTime' });
    expect(await field({ allDay: false, startTime: '10:00', endTime: '9' })).toMatchObject({ field: 'endTime' });
  });
});

describe('global blackouts', () => {
  it('is an admin’s, covers every provider’s services, and only admins change it', async () => {
    const [first, second] = [await signUp(server, 'PROVIDER'), await signUp(server, 'PROVIDER')];
    const day = daysFromNow(25);
    const services = [await createService(server, first), await createService(server, second)];
    const slots = [
      (await dailySlots(server, first, services[0].id, day, day))[0],
      (await dailySlots(server, second, services[1].id, day, day))[0],
    ];
    expect(
      codes(
        await server.request(CreateBlackoutDocument, { input: blackout({ startsOn: day, global: true }) }, first.token),
      ),
    ).toEqual(['FORBIDDEN']);
    const both = await server.request(
      CreateBlackoutDocument,
      { input: blackout({ startsOn: day, global: true, serviceId: services[0].id }) },
      admin.token,
    );
    expect(both.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'global' });
    const { createBlackout: holiday } = await server.ok(
      CreateBlackoutDocument,
      { input: blackout({ startsOn: day, global: true, kind: 'HOLIDAY', name: 'National holiday' }) },
      admin.token,
    );
    expect(holiday).toMatchObject({ global: true, service: null });
    for (const slot of slots) {
      const { slots: read } = await server.ok(SlotsDocument, {
        serviceId: services[slots.indexOf(slot)].id,
        from: slot.startsAt,
        to: slot.endsAt,
      });
      expect(read[0].available).toBe(0);
    }
    // Providers see it among their blackouts, and cannot remove it or switch it off.
    const { blackouts } = await server.ok(BlackoutsDocument, { from: day, to: day }, first.token);
    expect(blackouts.map((b) => [b.id, b.global])).toContainEqual([holiday.id, true]);
    expect(codes(await server.request(DeleteBlackoutDocument, { id: holiday.id }, first.token))).toEqual(['FORBIDDEN']);
    expect(
      codes(await server.request(SetBlackoutActiveDocument, { id: holiday.id, active: false }, second.token)),
    ).toEqual(['FORBIDDEN']);
    expect((await server.ok(DeleteBlackoutDocument, { id: holiday.id }, admin.token)).deleteBlackout).toBe(true);
    const { slots: reopened } = await server.ok(SlotsDocument, {
      serviceId: services[1].id,
      from: slots[1].startsAt,
      to: slots[1].endsAt,
    });
    expect(reopened[0].available).toBe(10);
  });

  it('lets an admin block all of one provider’s services by naming it', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const service = await createService(server, provider);
    const day = daysFromNow(26);
    const [slot] = await dailySlots(server, provider, service.id, day, day);
    const unnamed = await server.request(CreateBlackoutDocument, { input: blackout({ startsOn: day }) }, admin.token);
    expect(unnamed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId' });
    const rival = await signUp(server, 'PROVIDER');
    expect(
      codes(
        await server.request(
          CreateBlackoutDocument,
          { input: blackout({ startsOn: day, providerId: provider.providerId }) },
          rival.token,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    await server.ok(
      CreateBlackoutDocument,
      { input: blackout({ startsOn: day, providerId: provider.providerId }) },
      admin.token,
    );
    const { slots } = await server.ok(SlotsDocument, { serviceId: service.id, from: slot.startsAt, to: slot.endsAt });
    expect(slots[0].available).toBe(0);
  });
});

describe('reopening a cancelled slot', () => {
  it('is refused with INVALID_TRANSITION naming the slot, and changes nothing', async () => {
    const service = await createService(server, owner);
    const [first, second] = await dailySlots(server, owner, service.id, daysFromNow(40), daysFromNow(41));
    const range = { serviceId: service.id, from: first.startsAt, to: second.endsAt };
    await server.ok(SetAvailabilityDocument, { ...range, open: false }, owner.token);
    await server.ok(CancelSlotDocument, { id: first.id, reason: 'Boat under repair' }, owner.token);
    const refused = await server.request(SetAvailabilityDocument, { ...range, open: true }, owner.token);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', slotId: first.id });
    expect(refused.errors?.[0].message).toMatch(/cancelled/);
    const statuses = await server.sql<{ status: string }>(
      'select status from slot where service_id = $1 order by starts_at',
      [service.id],
    );
    expect(statuses.map((row) => row.status)).toEqual(['CANCELLED', 'CLOSED']);
    const { setAvailability } = await server.ok(
      SetAvailabilityDocument,
      { ...range, from: second.startsAt, open: true },
      owner.token,
    );
    expect(setAvailability.map((slot) => slot.status)).toEqual(['OPEN']);
  });
});
