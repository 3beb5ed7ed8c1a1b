import { BookDocument, BookingDetailsDocument, CancelBookingDocument } from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp, storedMails, type Account } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
let stranger: Account;
let slotIds: string[];

beforeAll(async () => {
  server = await startTestServer();
  [owner, customer, stranger] = await Promise.all([
    signUp(server, 'PROVIDER'),
    signUp(server, 'CUSTOMER', 'Assistant'),
    signUp(server, 'CUSTOMER'),
  ]);
  const service = await createService(server, owner);
  slotIds = (await dailySlots(server, owner, service.id, daysFromNow(3), daysFromNow(6))).map((slot) => slot.id);
});
afterAll(() => server.stop());

const contact = { name: 'Grace Hopper', email: 'Grace@Example.test', phone: '+39 06 1234 5678', company: 'Navy' };

describe('a booking for someone else', () => {
  it('keeps the contact and needs, shows them to participants only, and emails the contact too', async () => {
    const { book } = await server.ok(
      BookDocument,
      {
        input: {
          slotIds: [slotIds[0]],
          party: { adults: 1 },
          contact,
          dietaryRestrictions: 'No nuts',
          accessibilityNeeds: 'Step-free access',
        },
      },
      customer.token,
    );
    const expected = {
      contact: { ...contact, email: 'grace@example.test' },
      dietaryRestrictions: 'No nuts',
      accessibilityNeeds: 'Step-free access',
    };
    expect((await server.ok(BookingDetailsDocument, { id: book.id }, customer.token)).booking).toMatchObject(expected);
    expect((await server.ok(BookingDetailsDocument, { id: book.id }, owner.token)).booking).toMatchObject(expected);
    const peek = await server.request(BookingDetailsDocument, { id: book.id }, stranger.token);
    expect(peek.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(JSON.stringify(peek)).not.toContain('grace');

    await server.ok(CancelBookingDocument, { id: book.id, reason: 'Plans changed' }, customer.token);
    expect((await server.ok(BookingDetailsDocument, { id: book.id }, owner.token)).booking).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'Plans changed',
    });
    const toGuest = (await storedMails(server, 'grace@example.test')).map((mail) => mail.subject);
    expect(toGuest).toEqual([expect.stringMatching(/^Booking confirmed/), expect.stringMatching(/^Booking cancelled/)]);
    expect((await storedMails(server, customer.email)).map((mail) => mail.subject)).toEqual(toGuest);
  });

  it('refuses a bad contact or overlong needs by field and books nothing', async () => {
    const cases: [object, string][] = [
      [{ contact: { ...contact, email: 'not-an-address' } }, 'contact.email'],
      [{ contact: { ...contact, name: ' ' } }, 'contact.name'],
      [{ contact: { ...contact, phone: 'call me' } }, 'contact.phone'],
      [{ contact: { ...contact, company: 'x'.repeat(201) } }, 'contact.company'],
      [{ dietaryRestrictions: 'x'.repeat(2_001) }, 'dietaryRestrictions'],
      [{ accessibilityNeeds: 'x'.repeat(2_001) }, 'accessibilityNeeds'],
    ];
    for (const [extra, field] of cases) {
      const result = await server.request(
        BookDocument,
        { input: { slotIds: [slotIds[1]], party: { adults: 1 }, ...extra } },
        customer.token,
      );
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(
      await server.sql('select b.id from booking b join booking_slot s on s.booking_id = b.id where s.slot_id = $1', [
        slotIds[1],
      ]),
    ).toEqual([]);
  });
});
