import {
  AvailabilityDocument,
  BookDocument,
  BookingByReferenceDocument,
  CancelBookingDocument,
  CreateBlackoutDocument,
  CreateScheduleDocument,
  CreateServiceDocument,
  CreateSlotDocument,
  GenerateSlotsDocument,
  LogInDocument,
  ProviderBookingsDocument,
  ServicesDocument,
  SignUpDocument,
  SlotsDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { createService, SERVICE, serviceWithSlots, startWithAccounts, type Account } from './support/fixtures';
import { codes, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
beforeAll(async () => ({ server, owner, customer } = await startWithAccounts()));
afterAll(() => server.stop());

const refusal = (result: GraphQLResult<unknown>) => result.errors?.[0].extensions;

async function healthy(): Promise<void> {
  expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
  expect((await server.ok(ServicesDocument, {})).services.length).toBeGreaterThan(0);
}

describe('control characters', () => {
  it('are refused in any string argument, naming it, and nothing is stored', async () => {
    const {
      service,
      slots: [slot],
    } = await serviceWithSlots(server, owner, {}, 3);
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    const email = 'nul@example.test';
    const attempts: [Promise<GraphQLResult<unknown>>, string][] = [
      [server.request(ServicesDocument, { search: 'beach\u0000' }), 'search'],
      [server.request(ServicesDocument, { category: 'x\u0085' }), 'category'],
      [
        server.request(BookingByReferenceDocument, { reference: `${book.reference}\u0000` }, customer.token),
        'reference',
      ],
      [server.request(LogInDocument, { email: `${customer.email}\u0000`, password: 'password123' }), 'email'],
      [
        server.request(SignUpDocument, {
          input: { email, password: 'password\u0000123', name: 'Ann', role: 'CUSTOMER' },
        }),
        'password',
      ],
      [
        server.request(SignUpDocument, {
          input: { email, password: 'password123', name: 'Ann\u001b[2J', role: 'CUSTOMER' },
        }),
        'name',
      ],
      [
        server.request(CreateServiceDocument, { input: { ...SERVICE, description: 'Sea\u0000view' } }, owner.token),
        'description',
      ],
      [server.request(AvailabilityDocument, { serviceId: service.id, month: '2031-01\u0000' }), 'month'],
      [
        server.request(
          BookDocument,
          { input: { slotIds: [slot.id], party: { adults: 1 }, notes: 'hi\u0000' } },
          customer.token,
        ),
        'notes',
      ],
      [server.request(CancelBookingDocument, { id: book.id, reason: 'gone\u007f' }, customer.token), 'reason'],
      [
        server.request(
          CreateScheduleDocument,
          {
            serviceId: service.id,
            input: { recurrence: { rrule: 'FREQ=DAILY\u0000' }, startTime: '09:00', validFrom: '2031-01-01' },
          },
          owner.token,
        ),
        'recurrence.rrule',
      ],
    ];
    for (const [attempt, field] of attempts)
      expect([field, refusal(await attempt)]).toEqual([field, { code: 'BAD_USER_INPUT', field }]);
    expect(await server.sql(`select id from app_user where email = $1`, [email])).toHaveLength(0);
    expect(await server.sql(`select id from service where description like 'Sea%'`)).toHaveLength(0);
    expect(await server.sql(`select status from booking where id = $1`, [book.id])).toEqual([{ status: 'CONFIRMED' }]);
    await healthy();
  });

  it('keep tabs and line breaks in multi-line text, and refuse them in one-line names', async () => {
    const service = await createService(server, owner, { description: 'Sea view.\n\tShade until noon.' });
    expect(service.description).toBe('Sea view.\n\tShade until noon.');
    const tabbed = await server.request(
      UpdateServiceDocument,
      { id: service.id, input: { name: 'Sector\tB' } },
      owner.token,
    );
    expect(refusal(tabbed)).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
  });
});

describe('dates at the ends of the calendar', () => {
  it('answers the last month of year 9999 and refuses months before 1970, without stopping the server', async () => {
    const service = await createService(server, owner);
    const { availability } = await server.ok(AvailabilityDocument, { serviceId: service.id, month: '9999-12' });
    expect([availability.days.length, availability.days[30].date]).toEqual([31, '9999-12-31']);
    for (const month of ['1969-12', '0000-01']) {
      expect(refusal(await server.request(AvailabilityDocument, { serviceId: service.id, month }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'month',
      });
    }
    await healthy();
  });

  it('refuses dates and instants outside 1970 to 9999, as variables or inline', async () => {
    const service = await createService(server, owner);
    const blackout = (startsOn: string, endsOn: string) =>
      server.request(
        CreateBlackoutDocument,
        { input: { serviceId: service.id, startsOn, endsOn, kind: 'HOLIDAY', name: 'Closed' } },
        owner.token,
      );
    expect(codes(await blackout('0000-01-01', '2031-01-01'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await blackout('1969-12-31', '2031-01-01'))).toEqual(['BAD_USER_INPUT']);
    expect((await blackout('1970-01-01', '9999-12-31')).errors).toBeUndefined();
    for (const [from, to] of [
      ['0000-01-01T00:00:00Z', '2031-01-01T00:00:00Z'],
      ['2031-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00'],
    ]) {
      expect(codes(await server.request(ProviderBookingsDocument, { from, to }, owner.token))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(codes(await server.request(SlotsDocument, { serviceId: service.id, from, to }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    }
    const inline = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ slots(serviceId: ${service.id}, from: "0000-01-01T00:00:00Z", to: "2031-01-01T00:00:00Z") { id } }`,
      }),
    });
    expect(codes((await inline.json()) as GraphQLResult<unknown>)).toEqual(['BAD_USER_INPUT']);
  });

  it('keeps schedules and slots in 2000 to 2100, and refuses rules that never occur', async () => {
    const service = await createService(server, owner);
    const schedule = (input: object) =>
      server.request(
        CreateScheduleDocument,
        {
          serviceId: service.id,
          input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: '2031-01-01', ...input },
        },
        owner.token,
      );
    expect(refusal(await schedule({ validFrom: '1999-12-31' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'validFrom',
    });
    expect(refusal(await schedule({ validUntil: '2101-01-01' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'validUntil',
    });
    expect(refusal(await schedule({ recurrence: { rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' } }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'recurrence.rrule',
    });
    expect(await server.sql('select id from schedule where service_id = $1', [service.id])).toHaveLength(0);

    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      {
        serviceId: service.id,
        input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: '2000-01-01' },
      },
      owner.token,
    );
    const late = await server.request(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: '2100-12-31', to: '2101-01-01' },
      owner.token,
    );
    expect(refusal(late)).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    const { generateSlots } = await server.ok(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: '2100-12-30', to: '2100-12-31' },
      owner.token,
    );
    expect(generateSlots.map((slot) => slot.startsAt)).toEqual([
      '2100-12-30T08:00:00.000Z',
      '2100-12-31T08:00:00.000Z',
    ]);
    const slot = await server.request(
      CreateSlotDocument,
      { serviceId: service.id, startsAt: '2101-01-01T10:00:00Z', endsAt: '2101-01-01T11:00:00Z' },
      owner.token,
    );
    expect(refusal(slot)).toEqual({ code: 'BAD_USER_INPUT', field: 'startsAt' });
  });
});

describe('money', () => {
  it('takes amounts the database holds (10 digits before the point) and names the field of larger ones', async () => {
    const [{ value: before }] = await server.sql<{ value: string }>('select count(*) as value from service');
    const huge = await server.request(
      CreateServiceDocument,
      { input: { ...SERVICE, priceAmount: '10000000000' } },
      owner.token,
    );
    expect(refusal(huge)).toEqual({ code: 'BAD_USER_INPUT', field: 'priceAmount' });
    expect(await server.sql('select count(*) as value from service')).toEqual([{ value: before }]);
    const service = await createService(server, owner, { priceAmount: '9999999999.99' });
    expect(service.price.amount).toBe('9999999999.99');
    const raised = await server.request(
      UpdateServiceDocument,
      { id: service.id, input: { priceAmount: '99999999999' } },
      owner.token,
    );
    expect(refusal(raised)).toEqual({ code: 'BAD_USER_INPUT', field: 'priceAmount' });
    const schedule = await server.request(
      CreateScheduleDocument,
      {
        serviceId: service.id,
        input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: '2031-01-01', priceAmount: '1e10' },
      },
      owner.token,
    );
    expect(refusal(schedule)).toEqual({ code: 'BAD_USER_INPUT', field: 'priceAmount' });
  });
});

describe('recurrence', () => {
  it('needs a frequency only without rrule', async () => {
    const service = await createService(server, owner);
    const input = { startTime: '09:00', validFrom: '2031-01-01' };
    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      { serviceId: service.id, input: { ...input, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SA' } } },
      owner.token,
    );
    expect(createSchedule.rrule).toBe('RRULE:FREQ=WEEKLY;BYDAY=SA');
    const neither = await server.request(
      CreateScheduleDocument,
      { serviceId: service.id, input: { ...input, recurrence: {} } },
      owner.token,
    );
    expect(refusal(neither)).toEqual({ code: 'BAD_USER_INPUT', field: 'recurrence.frequency' });
  });
});
