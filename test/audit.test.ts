import {
  AcceptCounterProposalDocument,
  AuditTrailDocument,
  BookDocument,
  BookingDocument,
  CancelBookingDocument,
  CancelSlotDocument,
  CounterProposeDocument,
  CreateScheduleDocument,
  GenerateSlotsDocument,
  JoinWaitlistDocument,
  ProposeDocument,
  SetAvailabilityDocument,
  SetSlotCapacityDocument,
  SetWaitlistPriorityDocument,
  UpdateScheduleDocument,
  UpdateServiceDocument,
  type AuditSubject,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  logInAdmin,
  ownerAndCustomer,
  signUp,
  type Account,
} from './support/fixtures';
import { codes, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
let admin: Account;

beforeAll(async () => {
  server = await startTestServer();
  ({ owner, customer } = await ownerAndCustomer(server, 'Audit Owner', 'Audit Customer'));
  admin = await logInAdmin(server);
});
afterAll(() => server.stop());

const trail = async (subject: AuditSubject, id: string, who: Account = owner) =>
  (await server.ok(AuditTrailDocument, { subject, id }, who.token)).auditTrail.map((entry) => ({
    ...entry,
    before: entry.before as Record<string, unknown>,
    after: entry.after as Record<string, unknown>,
  }));

describe('the audit trail', () => {
  it('records services, schedules and slots as it does bookings: who, what before and after, why, and amounts in one format', async () => {
    const service = await createService(server, owner, { name: 'Kayak', priceAmount: '25.5', capacity: 2 });
    await server.ok(UpdateServiceDocument, { id: service.id, input: { priceAmount: '30' } }, owner.token);
    const serviceTrail = await trail('SERVICE', service.id);
    expect(serviceTrail.map((entry) => entry.action)).toEqual(['service.created', 'service.updated']);
    expect(serviceTrail[1]).toMatchObject({
      subject: 'SERVICE',
      subjectId: service.id,
      actorName: 'Audit Owner',
      actorRole: 'PROVIDER',
      before: expect.objectContaining({ price: '25.50', currency: 'EUR' }),
      after: expect.objectContaining({ price: '30.00' }),
    });

    const { createSchedule: schedule } = await server.ok(
      CreateScheduleDocument,
      {
        serviceId: service.id,
        input: {
          recurrence: { frequency: 'DAILY' },
          startTime: '09:00',
          validFrom: daysFromNow(2),
          priceAmount: '12.5',
        },
      },
      owner.token,
    );
    const { generateSlots: slots } = await server.ok(
      GenerateSlotsDocument,
      { scheduleId: schedule.id, from: daysFromNow(2), to: daysFromNow(5) },
      owner.token,
    );
    await server.ok(UpdateScheduleDocument, { id: schedule.id, input: { capacity: 3 } }, owner.token);
    const scheduleTrail = await trail('SCHEDULE', schedule.id);
    expect(scheduleTrail.map((entry) => entry.action)).toEqual([
      'schedule.created',
      'schedule.slots_generated',
      'schedule.updated',
    ]);
    expect(scheduleTrail[0].after).toMatchObject({ price: '12.50', startTime: '09:00' });
    expect(scheduleTrail[1].after).toMatchObject({ slotIds: slots.map((slot) => slot.id) });
    expect([scheduleTrail[2].before, scheduleTrail[2].after]).toMatchObject([{ capacity: 2 }, { capacity: 3 }]);

    const [first, second] = slots;
    await server.ok(
      SetAvailabilityDocument,
      { serviceId: service.id, from: first.startsAt, to: first.endsAt, open: false },
      owner.token,
    );
    await server.ok(SetSlotCapacityDocument, { id: second.id, capacity: 5 }, owner.token);
    await server.ok(CancelSlotDocument, { id: second.id, reason: 'Storm warning' }, owner.token);
    expect((await trail('SLOT', first.id)).map((entry) => [entry.action, entry.after.status])).toEqual([
      ['slot.updated', 'OPEN'], // the schedule's new capacity reached it
      ['slot.closed', 'CLOSED'],
    ]);
    const secondTrail = await trail('SLOT', second.id);
    expect(secondTrail.map((entry) => entry.action)).toEqual([
      'slot.updated',
      'slot.capacity_changed',
      'slot.cancelled',
    ]);
    expect(secondTrail[1]).toMatchObject({ before: { capacity: 3 }, after: { capacity: 5, price: '12.50' } });
    expect(secondTrail[2]).toMatchObject({ reason: 'Storm warning', after: { status: 'CANCELLED' } });
  });

  it('records proposals and waitlist entries, and keeps booking amounts in the currency format ("222.75", never "222.7500")', async () => {
    const service = await createService(server, owner, { bookingMode: 'APPROVAL', capacity: 1, priceAmount: '222.75' });
    const slots = await dailySlots(server, owner, service.id, daysFromNow(3), daysFromNow(5));
    const { propose } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 }, message: 'Morning please' } },
      customer.token,
    );
    await server.ok(
      CounterProposeDocument,
      { id: propose.id, slotIds: [slots[1].id], message: 'How about the next day?' },
      owner.token,
    );
    await server.ok(AcceptCounterProposalDocument, { id: propose.id }, customer.token);
    const proposalTrail = await trail('PROPOSAL', propose.id, customer);
    expect(proposalTrail.map((entry) => [entry.action, entry.actorName])).toEqual([
      ['proposal.received', 'Audit Customer'],
      ['proposal.countered', 'Audit Owner'],
      ['proposal.counter_accepted', 'Audit Customer'],
    ]);
    expect(proposalTrail[1]).toMatchObject({
      reason: 'How about the next day?',
      before: { status: 'PENDING', counterSlotIds: [] },
      after: { status: 'COUNTERED', counterSlotIds: [slots[1].id] },
    });
    expect(proposalTrail[2].after).toMatchObject({ status: 'ACCEPTED', bookingId: expect.any(String) });

    // The accepted booking is full: another customer queues, and is offered the seat when it is cancelled.
    const other = await signUp(server, 'CUSTOMER', 'Audit Waiter');
    const bookingId = proposalTrail[2].after.bookingId as string;
    const { joinWaitlist: entry } = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slots[1].id, partySize: 1 } },
      other.token,
    );
    await server.ok(SetWaitlistPriorityDocument, { id: entry.id, priority: 5 }, owner.token);
    await server.ok(CancelBookingDocument, { id: bookingId }, customer.token);
    const entryTrail = await trail('WAITLIST_ENTRY', entry.id, other);
    expect(entryTrail.map((line) => [line.action, line.actorName])).toEqual([
      ['waitlist_entry.created', 'Audit Waiter'],
      ['waitlist_entry.priority_changed', 'Audit Owner'],
      ['waitlist_entry.offered', 'Audit Customer'], // the cancellation that freed the seat
    ]);
    expect(entryTrail[2]).toMatchObject({
      before: { status: 'ACTIVE', priority: 5 },
      after: { status: 'OFFERED', offeredSlotId: slots[1].id },
    });

    // A booking's entries write amounts one way, whether taken from the request or read back from the database.
    const { booking } = await server.ok(BookingDocument, { id: bookingId }, customer.token);
    const history = await trail('BOOKING', bookingId, customer);
    expect(history.map((line) => line.action)).toEqual(['booking.created', 'booking.cancelled']);
    expect(history[0].after.total).toBe('222.75');
    expect([history[1].before.total, history[1].after.total]).toEqual(['222.75', '222.75']);
    expect(booking!.price.total.amount).toBe('222.75');
  });

  it('shows an entry’s IP and user agent to admins only, and each trail only to those it concerns', async () => {
    const service = await createService(server, owner, { name: 'Audited' });
    const forAdmin = await trail('SERVICE', service.id, admin);
    expect(forAdmin[0]).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: expect.any(String) });
    expect((await trail('SERVICE', service.id))[0]).toMatchObject({ ip: null, userAgent: null });

    const stranger = await signUp(server, 'PROVIDER', 'Stranger');
    const refused = await server.request(AuditTrailDocument, { subject: 'SERVICE', id: service.id }, stranger.token);
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    const asCustomer = await server.request(AuditTrailDocument, { subject: 'SERVICE', id: service.id }, customer.token);
    expect(codes(asCustomer)).toEqual(['FORBIDDEN']);
    expect(codes(await server.request(AuditTrailDocument, { subject: 'SLOT', id: '999999' }, admin.token))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await server.request(AuditTrailDocument, { subject: 'SERVICE', id: service.id }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const { book } = await server.ok(
      BookDocument,
      {
        input: {
          slotIds: (await dailySlots(server, owner, service.id, daysFromNow(6), daysFromNow(6))).map((slot) => slot.id),
          party: { adults: 1 },
        },
      },
      customer.token,
    );
    expect((await trail('BOOKING', book.id, customer))[0].ip).toBeNull();
    expect((await trail('BOOKING', book.id, admin))[0].ip).toMatch(/127\.0\.0\.1/);
  });
});
