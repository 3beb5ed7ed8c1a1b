import { DateTime } from 'luxon';
import {
  AvailabilityDocument,
  CreateBlackoutDocument,
  CreateScheduleDocument,
  CreateSlotDocument,
  DeleteBlackoutDocument,
  GenerateSlotsDocument,
  ServiceSlotsDocument,
  SetAvailabilityDocument,
  SlotsDocument,
  type RecurrenceInput,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  dstTransitions,
  logInAdmin,
  shiftDate,
  signUp,
  statementsDuring,
  type Account,
  startWithAccounts,
} from './support/fixtures';
import { codes, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
beforeAll(async () => ({ server, owner, customer } = await startWithAccounts()));
afterAll(() => server.stop());

async function generate(
  serviceId: string,
  recurrence: RecurrenceInput,
  startTime: string,
  validFrom: string,
  from: string,
  to: string,
) {
  const { createSchedule } = await server.ok(
    CreateScheduleDocument,
    { serviceId, input: { recurrence, startTime, validFrom } },
    owner.token,
  );
  const { generateSlots } = await server.ok(
    GenerateSlotsDocument,
    { scheduleId: createSchedule.id, from, to },
    owner.token,
  );
  return { schedule: createSchedule, slots: generateSlots };
}

describe('generating slots across DST', () => {
  it.each([
    ['Europe/Rome', '08:00', '07:00'],
    ['America/New_York', '14:00', '13:00'],
  ])('keeps 09:00 wall time in %s (UTC %s in winter, %s in summer)', async (zone, winterUtc, summerUtc) => {
    const { spring, fall } = dstTransitions(zone);
    const service = await createService(server, owner, { timezone: zone });
    const daily = { frequency: 'DAILY' as const };
    const aroundSpring = await generate(
      service.id,
      daily,
      '09:00',
      shiftDate(spring, -2),
      shiftDate(spring, -1),
      shiftDate(spring, 1),
    );
    expect(aroundSpring.slots.map((s) => s.startsAt)).toEqual([
      `${shiftDate(spring, -1)}T${winterUtc}:00.000Z`,
      `${spring}T${summerUtc}:00.000Z`,
      `${shiftDate(spring, 1)}T${summerUtc}:00.000Z`,
    ]);
    const aroundFall = await generate(
      service.id,
      daily,
      '09:00',
      shiftDate(fall, -1),
      shiftDate(fall, -1),
      shiftDate(fall, 1),
    );
    expect(aroundFall.slots.map((s) => s.startsAt)).toEqual([
      `${shiftDate(fall, -1)}T${summerUtc}:00.000Z`,
      `${fall}T${winterUtc}:00.000Z`,
      `${shiftDate(fall, 1)}T${winterUtc}:00.000Z`,
    ]);
    expect(aroundFall.slots[0].endsAt).toBe(
      new Date(Date.parse(aroundFall.slots[0].startsAt) + 3_600_000).toISOString(),
    );
  });

  it('moves a skipped wall time forward by the gap and takes the earlier of a repeated one', async () => {
    const rome = dstTransitions('Europe/Rome');
    const romeService = await createService(server, owner, { timezone: 'Europe/Rome' });
    const once = { frequency: 'ONCE' as const };
    const skipped = await generate(romeService.id, once, '02:30', rome.spring, rome.spring, rome.spring);
    expect(skipped.slots.map((s) => s.startsAt)).toEqual([`${rome.spring}T01:30:00.000Z`]); // 03:30 CEST
    const repeated = await generate(romeService.id, once, '02:30', rome.fall, rome.fall, rome.fall);
    expect(repeated.slots.map((s) => s.startsAt)).toEqual([`${rome.fall}T00:30:00.000Z`]); // 02:30 CEST, not CET

    const ny = dstTransitions('America/New_York');
    const nyService = await createService(server, owner, { timezone: 'America/New_York' });
    const nySkipped = await generate(nyService.id, once, '02:30', ny.spring, ny.spring, ny.spring);
    expect(nySkipped.slots.map((s) => s.startsAt)).toEqual([`${ny.spring}T07:30:00.000Z`]); // 03:30 EDT
    const nyRepeated = await generate(nyService.id, once, '01:30', ny.fall, ny.fall, ny.fall);
    expect(nyRepeated.slots.map((s) => s.startsAt)).toEqual([`${ny.fall}T05:30:00.000Z`]); // 01:30 EDT
  });
});

describe('recurrences', () => {
  const start = '2031-01-06'; // a Monday

  it('makes biweekly slots with WEEKLY interval 2', async () => {
    const service = await createService(server, owner, { timezone: 'UTC' });
    const { schedule, slots } = await generate(
      service.id,
      { frequency: 'WEEKLY', interval: 2, weekdays: ['TU', 'TH'] },
      '10:00',
      start,
      start,
      '2031-02-06',
    );
    expect(schedule.rrule).toContain('INTERVAL=2');
    expect(slots.map((s) => s.startsAt.slice(0, 10))).toEqual([
      '2031-01-07',
      '2031-01-09',
      '2031-01-21',
      '2031-01-23',
      '2031-02-04',
      '2031-02-06',
    ]);
  });

  it('makes monthly slots on the first date of validity, and RRULE slots', async () => {
    const service = await createService(server, owner, { timezone: 'UTC' });
    const monthly = await generate(
      service.id,
      { frequency: 'MONTHLY' },
      '10:00',
      '2031-01-15',
      '2031-01-01',
      '2031-04-30',
    );
    expect(monthly.slots.map((s) => s.startsAt.slice(0, 10))).toEqual([
      '2031-01-15',
      '2031-02-15',
      '2031-03-15',
      '2031-04-15',
    ]);
    const lastFriday = await generate(
      service.id,
      { frequency: 'MONTHLY', rrule: 'RRULE:FREQ=MONTHLY;BYDAY=-1FR' },
      '18:00',
      '2031-01-01',
      '2031-01-01',
      '2031-03-31',
    );
    expect(lastFriday.slots.map((s) => s.startsAt)).toEqual([
      '2031-01-31T18:00:00.000Z',
      '2031-02-28T18:00:00.000Z',
      '2031-03-28T18:00:00.000Z',
    ]);
  });

  it('is idempotent and respects validUntil', async () => {
    const service = await createService(server, owner, { timezone: 'UTC' });
    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      {
        serviceId: service.id,
        input: {
          recurrence: { frequency: 'DAILY' },
          startTime: '08:00',
          validFrom: '2031-03-01',
          validUntil: '2031-03-05',
          capacity: 4,
          priceAmount: '12.5',
        },
      },
      owner.token,
    );
    expect(createSchedule.price).toEqual({ amount: '12.50', currency: 'EUR' });
    const vars = { scheduleId: createSchedule.id, from: '2031-02-20', to: '2031-03-31' };
    const first = (await server.ok(GenerateSlotsDocument, vars, owner.token)).generateSlots;
    const again = (await server.ok(GenerateSlotsDocument, vars, owner.token)).generateSlots;
    expect(first).toHaveLength(5);
    expect(again.map((s) => s.id)).toEqual(first.map((s) => s.id));
    expect(first[0]).toMatchObject({ capacity: 4, price: { amount: '12.50' } });
    const [{ count }] = await server.sql<{ count: string }>('select count(*) from slot where service_id = $1', [
      service.id,
    ]);
    expect(count).toBe('5');
  });
});

describe('blackouts', () => {
  it('keeps generation off blacked-out dates, for one service or all of the provider', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const [a, b] = [
      await createService(server, provider, { timezone: 'UTC' }),
      await createService(server, provider, { timezone: 'UTC' }),
    ];
    await server.ok(
      CreateBlackoutDocument,
      {
        input: { serviceId: a.id, startsOn: '2031-05-02', endsOn: '2031-05-03', kind: 'MAINTENANCE', name: 'Repairs' },
      },
      provider.token,
    );
    const { createBlackout: holiday } = await server.ok(
      CreateBlackoutDocument,
      { input: { startsOn: '2031-05-05', endsOn: '2031-05-05', kind: 'HOLIDAY', name: 'Holiday' } },
      provider.token,
    );
    expect(holiday.service).toBeNull();
    const dates = (slots: { startsAt: string }[]) => slots.map((s) => s.startsAt.slice(8, 10));
    expect(dates(await dailySlots(server, provider, a.id, '2031-05-01', '2031-05-06'))).toEqual(['01', '04', '06']);
    expect(dates(await dailySlots(server, provider, b.id, '2031-05-01', '2031-05-06'))).toEqual([
      '01',
      '02',
      '03',
      '04',
      '06',
    ]);
  });

  it('makes existing slots unavailable, and available again when deleted', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const service = await createService(server, provider);
    const day = daysFromNow(10);
    const [slot] = await dailySlots(server, provider, service.id, day, day);
    expect(slot.available).toBe(10);
    const { createBlackout } = await server.ok(
      CreateBlackoutDocument,
      { input: { startsOn: day, endsOn: day, kind: 'WEATHER', name: 'Storm' } },
      provider.token,
    );
    const range = { serviceId: service.id, from: slot.startsAt, to: slot.endsAt };
    expect((await server.ok(SlotsDocument, range)).slots[0]).toMatchObject({ available: 0, status: 'OPEN' });
    const month = (await server.ok(AvailabilityDocument, { serviceId: service.id, month: day.slice(0, 7) }))
      .availability;
    expect(month.days.find((d) => d.date === day)).toMatchObject({ blackout: true, availableSpots: 0, level: 'NONE' });
    const rival = await signUp(server, 'PROVIDER');
    expect(codes(await server.request(DeleteBlackoutDocument, { id: createBlackout.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await server.ok(DeleteBlackoutDocument, { id: createBlackout.id }, provider.token)).deleteBlackout).toBe(
      true,
    );
    expect((await server.ok(SlotsDocument, range)).slots[0].available).toBe(10);
  });

  it('refuses endsOn before startsOn and another provider’s service', async () => {
    const service = await createService(server, owner);
    const bad = await server.request(
      CreateBlackoutDocument,
      { input: { startsOn: '2031-01-02', endsOn: '2031-01-01', kind: 'CUSTOM', name: 'x' } },
      owner.token,
    );
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsOn' });
    const rival = await signUp(server, 'PROVIDER');
    const foreign = await server.request(
      CreateBlackoutDocument,
      { input: { serviceId: service.id, startsOn: '2031-01-01', endsOn: '2031-01-01', kind: 'CUSTOM', name: 'x' } },
      rival.token,
    );
    expect(codes(foreign)).toEqual(['FORBIDDEN']);
  });
});

describe('setAvailability', () => {
  it('closes and reopens the slots of a range, but not over booked or held seats', async () => {
    const service = await createService(server, owner);
    const [first, second, third] = await dailySlots(server, owner, service.id, daysFromNow(20), daysFromNow(22));
    const closed = (
      await server.ok(
        SetAvailabilityDocument,
        { serviceId: service.id, from: first.startsAt, to: third.startsAt, open: false },
        owner.token,
      )
    ).setAvailability;
    expect(closed.map((s) => [s.id, s.status, s.available])).toEqual([
      [first.id, 'CLOSED', 0],
      [second.id, 'CLOSED', 0],
    ]);
    await server.sql('update slot set held = 1 where id = $1', [third.id]);
    const refused = await server.request(
      SetAvailabilityDocument,
      { serviceId: service.id, from: first.startsAt, to: third.endsAt, open: true },
      owner.token,
    );
    expect(refused.errors).toBeUndefined();
    const busy = await server.request(
      SetAvailabilityDocument,
      { serviceId: service.id, from: first.startsAt, to: third.endsAt, open: false },
      owner.token,
    );
    expect(busy.errors![0].extensions).toMatchObject({ code: 'HAS_BOOKINGS', slotId: third.id });
    const statuses = await server.sql<{ status: string }>(
      'select status from slot where service_id = $1 order by starts_at',
      [service.id],
    );
    expect(statuses.map((r) => r.status)).toEqual(['OPEN', 'OPEN', 'OPEN']);
  });
});

describe('availability', () => {
  it('summarises each local date with levels', async () => {
    const service = await createService(server, owner, { capacity: 10 });
    const month = DateTime.now().setZone('Europe/Rome').plus({ months: 2 }).toFormat('yyyy-MM');
    const slots = await dailySlots(server, owner, service.id, `${month}-01`, `${month}-05`, { startTime: '10:00' });
    await dailySlots(server, owner, service.id, `${month}-01`, `${month}-01`, { startTime: '15:00' });
    const booked = [0, 5, 8, 9, 10]; // day 1 also has an empty 15:00 slot
    for (const [index, seats] of booked.entries())
      await server.sql('update slot set booked = $1 where id = $2', [seats, slots[index].id]);
    const [closed] = await dailySlots(server, owner, service.id, `${month}-06`, `${month}-06`, { startTime: '10:00' });
    await server.sql(`update slot set status = 'CLOSED' where id = $1`, [closed.id]); // not counted
    await server.ok(
      CreateBlackoutDocument,
      { input: { serviceId: service.id, startsOn: `${month}-07`, endsOn: `${month}-08`, kind: 'CUSTOM', name: 'Off' } },
      owner.token,
    );
    const { availability } = await server.ok(AvailabilityDocument, { serviceId: service.id, month });
    expect(availability.days).toHaveLength(DateTime.fromISO(`${month}-01`).daysInMonth!);
    expect(
      availability.days.slice(0, 9).map((d) => [d.date.slice(8), d.slotCount, d.availableSpots, d.level, d.blackout]),
    ).toEqual([
      ['01', 2, 20, 'HIGH', false],
      ['02', 1, 5, 'HIGH', false],
      ['03', 1, 2, 'MEDIUM', false],
      ['04', 1, 1, 'LOW', false],
      ['05', 1, 0, 'NONE', false],
      ['06', 0, 0, 'NONE', false],
      ['07', 0, 0, 'NONE', true],
      ['08', 0, 0, 'NONE', true],
      ['09', 0, 0, 'NONE', false],
    ]);
  });

  it('refuses a month that is not YYYY-MM and ranges that are reversed or over a year', async () => {
    const service = await createService(server, owner);
    for (const month of ['2031-1', '2031-13', 'next']) {
      const result = await server.request(AvailabilityDocument, { serviceId: service.id, month });
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    }
    const reversed = await server.request(SlotsDocument, {
      serviceId: service.id,
      from: '2031-02-01T00:00:00Z',
      to: '2031-01-01T00:00:00Z',
    });
    expect(reversed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const long = await server.request(SlotsDocument, {
      serviceId: service.id,
      from: '2031-01-01T00:00:00Z',
      to: '2032-06-01T00:00:00Z',
    });
    expect(long.errors![0].extensions.field).toBe('to');
    const malformed = await server.request(SlotsDocument, { serviceId: service.id, from: '2031-01-01', to: 'soon' });
    expect(codes(malformed)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(malformed.errors![0].message).toContain('$from');
  });

  it('costs the same few SQL statements for a day or the longest window of slots (42 days)', async () => {
    const service = await createService(server, owner, { timezone: 'UTC' });
    await dailySlots(server, owner, service.id, '2031-01-01', '2031-03-31');
    const statements = (run: () => Promise<unknown>) => statementsDuring(server, run);
    const day = await statements(() =>
      server.ok(SlotsDocument, { serviceId: service.id, from: '2031-01-01T00:00:00Z', to: '2031-01-02T00:00:00Z' }),
    );
    const weeks = await statements(async () => {
      const { slots } = await server.ok(SlotsDocument, {
        serviceId: service.id,
        from: '2031-01-01T00:00:00Z',
        to: '2031-02-12T00:00:00Z',
      });
      expect(slots).toHaveLength(42);
    });
    expect(weeks).toBe(day);
    expect(weeks).toBeLessThanOrEqual(2);
    const nested = await statements(() =>
      server.ok(ServiceSlotsDocument, { id: service.id, from: '2031-01-01T00:00:00Z', to: '2031-02-12T00:00:00Z' }),
    );
    expect(nested).toBeLessThanOrEqual(2);
    const month = await statements(() => server.ok(AvailabilityDocument, { serviceId: service.id, month: '2031-03' }));
    expect(month).toBe(1);
  });
});

describe('authorization and bad input', () => {
  it('lets only the owner or an admin manage schedules and slots; anyone reads them', async () => {
    const service = await createService(server, owner);
    const input = { recurrence: { frequency: 'DAILY' as const }, startTime: '09:00', validFrom: '2031-01-01' };
    expect(codes(await server.request(CreateScheduleDocument, { serviceId: service.id, input }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(
      codes(await server.request(CreateScheduleDocument, { serviceId: service.id, input }, customer.token)),
    ).toEqual(['FORBIDDEN']);
    const rival = await signUp(server, 'PROVIDER');
    expect(codes(await server.request(CreateScheduleDocument, { serviceId: service.id, input }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    const { createSchedule } = await server.ok(CreateScheduleDocument, { serviceId: service.id, input }, owner.token);
    const range = { scheduleId: createSchedule.id, from: '2031-01-01', to: '2031-01-02' };
    expect(codes(await server.request(GenerateSlotsDocument, range, rival.token))).toEqual(['FORBIDDEN']);
    const admin = await logInAdmin(server);
    expect((await server.ok(GenerateSlotsDocument, range, admin.token)).generateSlots).toHaveLength(2);
    const slot = { serviceId: service.id, startsAt: '2031-02-01T10:00:00Z', endsAt: '2031-02-01T11:00:00Z' };
    expect(codes(await server.request(CreateSlotDocument, slot, rival.token))).toEqual(['FORBIDDEN']);
    expect(
      codes(
        await server.request(
          SetAvailabilityDocument,
          { serviceId: service.id, from: slot.startsAt, to: slot.endsAt, open: false },
          rival.token,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      (
        await server.ok(SlotsDocument, {
          serviceId: service.id,
          from: '2031-01-01T00:00:00Z',
          to: '2031-01-03T00:00:00Z',
        })
      ).slots,
    ).toHaveLength(2);
  });

  it('names the field of every bad schedule or slot, and stores nothing', async () => {
    const service = await createService(server, owner);
    const base = { recurrence: { frequency: 'DAILY' as const }, startTime: '09:00', validFrom: '2031-01-01' };
    const cases: [object, string][] = [
      [{ recurrence: { frequency: 'DAILY', weekdays: ['MO'] } }, 'recurrence.weekdays'],
      [{ recurrence: { frequency: 'WEEKLY', rrule: 'FREQ=SOMETIMES' } }, 'recurrence.rrule'],
      [{ recurrence: { frequency: 'WEEKLY', rrule: 'FREQ=HOURLY' } }, 'recurrence.rrule'],
      [{ recurrence: { frequency: 'WEEKLY', interval: 0 } }, 'recurrence.interval'],
      [{ startTime: '25:00' }, 'startTime'],
      [{ startTime: '9am' }, 'startTime'],
      [{ capacity: 0 }, 'capacity'],
      [{ durationMinutes: 0 }, 'durationMinutes'],
      [{ priceAmount: '1,50' }, 'priceAmount'],
      [{ validUntil: '2030-12-31' }, 'validUntil'],
    ];
    for (const [override, field] of cases) {
      const result = await server.request(
        CreateScheduleDocument,
        { serviceId: service.id, input: { ...base, ...override } as typeof base },
        owner.token,
      );
      expect([field, result.errors?.[0].extensions]).toEqual([
        field,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      ]);
    }
    expect(await server.sql('select id from schedule where service_id = $1', [service.id])).toHaveLength(0);

    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      { serviceId: service.id, input: base },
      owner.token,
    );
    const reversed = await server.request(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: '2031-02-01', to: '2031-01-01' },
      owner.token,
    );
    expect(reversed.errors![0].extensions.field).toBe('to');
    const tooLong = await server.request(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: '2031-01-01', to: '2032-06-01' },
      owner.token,
    );
    expect(tooLong.errors![0].extensions.field).toBe('to');
    const badDate = await server.request(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: '2031-02-30', to: '2031-03-01' },
      owner.token,
    );
    expect(codes(badDate)).toEqual(['BAD_USER_INPUT']);

    const slot = { serviceId: service.id, startsAt: '2031-02-01T10:00:00Z', endsAt: '2031-02-01T11:00:00Z' };
    expect(
      (await server.request(CreateSlotDocument, { ...slot, endsAt: slot.startsAt }, owner.token)).errors![0].extensions
        .field,
    ).toBe('endsAt');
    expect(
      (await server.request(CreateSlotDocument, { ...slot, capacity: -1 }, owner.token)).errors![0].extensions.field,
    ).toBe('capacity');
    const { createSlot } = await server.ok(CreateSlotDocument, { ...slot, capacity: 3 }, owner.token);
    expect(createSlot).toMatchObject({ capacity: 3, booked: 0, held: 0, available: 3, status: 'OPEN' });
    expect((await server.request(CreateSlotDocument, slot, owner.token)).errors![0].extensions.field).toBe('startsAt');
  });
});
