import { print } from 'graphql';
import {
  BookDocument,
  ClaimWaitlistOfferAsGuestDocument,
  CancelBookingDocument,
  JoinWaitlistAsGuestDocument,
  ServiceWaitlistDocument,
  type GuestWaitlistInput,
} from '../client/generated/graphql';
import { loadConfig } from '../src/config';
import { TestClock } from './support/clock';
import { createService, dailySlots, daysFromNow, signUp, storedMails, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { codes, startTestServer, type TestServer } from './support/server';

const clock = new TestClock();
let server: TestServer;
let owner: Account;

beforeAll(async () => {
  server = await startTestServer(
    {
      rateLimits: {
        ...loadConfig({}).rateLimits,
        signUpPerAddress: 0,
        mutationsPerClient: 0,
        guestBookingsPerAddress: 0,
        guestBookingsPerEmail: 2,
      },
    },
    clock,
  );
  owner = await signUp(server, 'PROVIDER', 'Lido');
});
afterAll(() => server.stop());

let nextHour = 9;
/** A capacity-1 slot a signed-in customer has booked. */
async function fullSlot() {
  const service = await createService(server, owner, { capacity: 1, priceAmount: '0.00' });
  const startTime = `${String(nextHour++).padStart(2, '0')}:00`;
  const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5), { startTime });
  const first = await signUp(server, 'CUSTOMER');
  const { book } = await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, first.token);
  return { service, slot, first, booking: book };
}

let guestNumber = 0;
const newGuest = () => {
  guestNumber += 1;
  return {
    name: 'Giulia Guest',
    email: `wait-guest-${guestNumber}-${Date.now()}@example.test`,
    phone: '+39 333 1234567',
  };
};

/** One GraphQL request over plain HTTP, with its status: what a browser's fetch sees. */
// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields its own operation answers
async function post(variables: { input: GuestWaitlistInput }): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(JoinWaitlistAsGuestDocument), variables }),
  });
  return { status: response.status, body: await response.json() };
}

describe('joinWaitlistAsGuest', () => {
  it('queues a guest for a full slot in the fair order, and mails the offer to the guest when a seat frees', async () => {
    const { service, slot, first, booking } = await fullSlot();
    const contact = newGuest();
    const input = { serviceId: service.id, slotId: slot.id, partySize: 1, contact, notes: 'Any sunbed', locale: 'it' };
    const answer = await post({ input });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.joinWaitlistAsGuest).toMatchObject({ status: 'ACTIVE', position: 1, notes: 'Any sunbed' });
    const queue = (await server.ok(ServiceWaitlistDocument, { serviceId: service.id }, owner.token)).serviceWaitlist;
    expect(queue.map((entry) => entry.contact?.email)).toEqual([contact.email]);

    await server.ok(CancelBookingDocument, { id: booking.id }, first.token);
    await eventually(async () => (await storedMails(server, contact.email)).length > 0);
    const [offer] = await storedMails(server, contact.email);
    expect(offer.subject).toContain(service.name); // in Italian, the guest's language
    expect(offer.text).toContain('1 posti sono tenuti per te');

    // The offer's link claims it: GET shows a form (changing nothing), its POST books the held seat.
    const link = /http:\/\/localhost:4000\/waitlist-offer\/(\S+)/.exec(offer.text);
    expect(link).not.toBeNull();
    const url = `${server.url.replace('/graphql', '')}/waitlist-offer/${link![1]}`;
    const shown = await fetch(url);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Claim my place');
    const forged = await server.request(ClaimWaitlistOfferAsGuestDocument, {
      token: `${link![1].split('.')[0]}.${'A'.repeat(43)}`,
    });
    expect(codes(forged)).toEqual(['NOT_FOUND']);
    const claimed = await fetch(`${url}/claim`, { method: 'POST' });
    expect(claimed.status).toBe(200);
    expect(await claimed.text()).toContain('data-status="CONFIRMED"');
    const again = await server.request(ClaimWaitlistOfferAsGuestDocument, { token: link![1] });
    expect(codes(again)).toEqual(['INVALID_TRANSITION']);
    const converted = await server.ok(
      ServiceWaitlistDocument,
      { serviceId: service.id, status: 'CONVERTED' },
      owner.token,
    );
    expect(converted.serviceWaitlist.map((entry) => entry.contact?.email)).toEqual([contact.email]);
  });

  it('refuses: already queued, free seats, an email with an account, bad contact, and past the per-email limit', async () => {
    const { service, slot } = await fullSlot();
    const target = { serviceId: service.id, slotId: slot.id, partySize: 1 };
    const contact = newGuest();
    expect((await post({ input: { ...target, contact } })).body.errors).toBeUndefined();
    const twice = await post({ input: { ...target, contact } });
    expect(twice.status).toBe(200);
    expect(twice.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slotId' });
    const limited = await post({ input: { ...target, contact } });
    expect(limited.status).toBe(200);
    expect(limited.body.errors[0].extensions.code).toBe('RATE_LIMITED');

    const open = await createService(server, owner, { capacity: 4, priceAmount: '0.00' });
    const [free] = await dailySlots(server, owner, open.id, daysFromNow(6), daysFromNow(6));
    const roomy = await post({ input: { serviceId: open.id, slotId: free.id, partySize: 1, contact: newGuest() } });
    expect(roomy.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slotId' });

    const account = await signUp(server, 'CUSTOMER');
    const taken = await post({ input: { ...target, contact: { name: 'X', email: account.email } } });
    expect(taken.status).toBe(200);
    expect(taken.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const bad = await post({ input: { ...target, contact: { name: 'X', email: 'not an email' } } });
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact.email' });
    const unknown = codes(
      await server.request(JoinWaitlistAsGuestDocument, {
        input: { ...target, serviceId: '999999', contact: newGuest() },
      }),
    );
    expect(unknown).toEqual(['NOT_FOUND']);
    const queue = (await server.ok(ServiceWaitlistDocument, { serviceId: service.id }, owner.token)).serviceWaitlist;
    expect(queue).toHaveLength(1);
  });
});
