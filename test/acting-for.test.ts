import {
  AuditTrailDocument,
  BookDocument,
  CancelBookingDocument,
  CreateScheduleDocument,
  CreateServiceDocument,
  GenerateSlotsDocument,
  ProviderBookingsDocument,
  ProviderBookingsPageDocument,
  type ProviderBookingsQueryVariables,
} from '../client/generated/graphql';
import {
  SERVICE,
  createService,
  dailySlots,
  daysFromNow,
  logInAdmin,
  shiftDate,
  signUp,
  type Account,
} from './support/fixtures';
import { codes, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let rival: Account;
let customer: Account;
let admin: Account;
beforeAll(async () => {
  server = await startTestServer();
  [owner, rival, customer, admin] = await Promise.all([
    signUp(server, 'PROVIDER', 'Spirit Tours'),
    signUp(server, 'PROVIDER'),
    signUp(server, 'CUSTOMER'),
    logInAdmin(server),
  ]);
});
afterAll(() => server.stop());

describe('an admin acting for a provider', () => {
  it('creates a service and a schedule that are the provider’s own', async () => {
    const missing = await server.request(CreateServiceDocument, { input: SERVICE }, admin.token);
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'providerId' });
    expect(
      codes(await server.request(CreateServiceDocument, { input: { ...SERVICE, providerId: '999999' } }, admin.token)),
    ).toEqual(['NOT_FOUND']);
    expect(
      codes(
        await server.request(
          CreateServiceDocument,
          { input: { ...SERVICE, providerId: owner.providerId } },
          rival.token,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    const { createService: own } = await server.ok(
      CreateServiceDocument,
      { input: { ...SERVICE, name: 'Own', providerId: owner.providerId } },
      owner.token,
    );
    expect(own.provider.id).toBe(owner.providerId);

    const { createService: service } = await server.ok(
      CreateServiceDocument,
      { input: { ...SERVICE, name: 'Sunset tour', providerId: owner.providerId } },
      admin.token,
    );
    expect(service.provider).toEqual({ id: owner.providerId, name: 'Spirit Tours' });
    const day = daysFromNow(9);
    const { createSchedule } = await server.ok(
      CreateScheduleDocument,
      { serviceId: service.id, input: { recurrence: { frequency: 'DAILY' }, startTime: '18:00', validFrom: day } },
      admin.token,
    );
    const { generateSlots } = await server.ok(
      GenerateSlotsDocument,
      { scheduleId: createSchedule.id, from: day, to: day },
      admin.token,
    );
    expect(generateSlots).toHaveLength(1);
    // The audit says an admin made them, for whom.
    const trail = async (subject: 'SERVICE' | 'SCHEDULE', id: string, token: string) =>
      (await server.ok(AuditTrailDocument, { subject, id }, token)).auditTrail.map((entry) => [
        entry.action,
        entry.actorRole,
        entry.reason,
      ]);
    const note = `An admin acting for provider ${owner.providerId} (Spirit Tours)`;
    expect(await trail('SERVICE', service.id, owner.token)).toEqual([['service.created', 'ADMIN', note]]);
    expect(await trail('SCHEDULE', createSchedule.id, admin.token)).toEqual([
      ['schedule.created', 'ADMIN', note],
      ['schedule.slots_generated', 'ADMIN', note],
    ]);
    expect(await trail('SERVICE', own.id, owner.token)).toEqual([['service.created', 'PROVIDER', null]]);

    // The provider manages what was made for it; other providers do not.
    const { createSchedule: byOwner } = await server.ok(
      CreateScheduleDocument,
      { serviceId: service.id, input: { recurrence: { frequency: 'DAILY' }, startTime: '19:00', validFrom: day } },
      owner.token,
    );
    expect(byOwner.service.id).toBe(service.id);
    expect(
      codes(
        await server.request(
          CreateScheduleDocument,
          { serviceId: service.id, input: { recurrence: { frequency: 'DAILY' }, startTime: '20:00', validFrom: day } },
          rival.token,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
  });
});

describe('the provider bookings list', () => {
  it('filters by service, status and date range, for admins across providers', async () => {
    const [tour, boat] = [await createService(server, owner), await createService(server, owner)];
    const other = await createService(server, rival);
    const from = daysFromNow(20);
    const slotsOf = async (account: Account, serviceId: string) =>
      dailySlots(server, account, serviceId, from, shiftDate(from, 2));
    const [tourSlots, boatSlots, otherSlots] = [
      await slotsOf(owner, tour.id),
      await slotsOf(owner, boat.id),
      await slotsOf(rival, other.id),
    ];
    const book = async (slotId: string) =>
      (await server.ok(BookDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, customer.token)).book;
    const tourBookings = [await book(tourSlots[0].id), await book(tourSlots[1].id), await book(tourSlots[2].id)];
    await book(boatSlots[0].id);
    await book(otherSlots[0].id);
    await server.ok(CancelBookingDocument, { id: tourBookings[1].id }, customer.token);

    const list = async (account: Account, vars: ProviderBookingsQueryVariables) =>
      (await server.ok(ProviderBookingsDocument, vars, account.token)).providerBookings.map((b) => b.id);
    expect(await list(admin, { serviceId: tour.id })).toEqual(tourBookings.map((b) => b.id));
    expect(await list(admin, { serviceId: tour.id, status: 'CONFIRMED' })).toEqual([
      tourBookings[0].id,
      tourBookings[2].id,
    ]);
    expect(
      await list(admin, {
        serviceId: tour.id,
        status: 'CONFIRMED',
        from: tourSlots[1].startsAt,
        to: `${shiftDate(from, 3)}T00:00:00Z`,
      }),
    ).toEqual([tourBookings[2].id]);
    expect(await list(owner, { serviceId: tour.id, status: 'CANCELLED' })).toEqual([tourBookings[1].id]);
    const { providerBookingsConnection } = await server.ok(
      ProviderBookingsPageDocument,
      { serviceId: tour.id, status: 'CONFIRMED', first: 1 },
      admin.token,
    );
    expect(providerBookingsConnection).toMatchObject({ totalCount: 2, nodes: [{ id: tourBookings[0].id }] });

    expect(codes(await server.request(ProviderBookingsDocument, { serviceId: other.id }, owner.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(ProviderBookingsDocument, { serviceId: '999999' }, admin.token))).toEqual([
      'NOT_FOUND',
    ]);
    const bad = await server.request(ProviderBookingsDocument, { serviceId: 'x' }, admin.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serviceId' });
  });
});
