import { print } from 'graphql';
import { BookDocument, CancelBookingDocument, LookupBookingDocument } from '../client/generated/graphql';
import { loadConfig } from '../src/config';
import { createService, dailySlots, daysFromNow, signUp, type Account } from './support/fixtures';
import { codes, startTestServer, type GraphQLResult, type TestServer } from './support/server';

const FAILURES = 5;
let server: TestServer;
let owner: Account;
let customer: Account;

/** A server whose lookups allow `failures` failed attempts per address, with a provider and a customer. */
async function start(failures: number): Promise<void> {
  server = await startTestServer({
    rateLimits: {
      ...loadConfig({}).rateLimits,
      signUpPerAddress: 0,
      mutationsPerClient: 0,
      lookupsPerAddress: failures,
    },
  });
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER', 'Lido Azzurro'), signUp(server, 'CUSTOMER')]);
}
afterEach(() => server.stop());

/** lookupBooking over plain HTTP, without a token: its status and body. */
async function lookUp(reference: string, email: string): Promise<{ status: number; body: GraphQLResult<unknown> }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(LookupBookingDocument), variables: { reference, email } }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResult<unknown> };
}

describe('the public booking lookup', () => {
  it('needs both the reference and the booking’s email, answers alike when either is wrong, and shows nothing private', async () => {
    await start(FAILURES);
    const service = await createService(server, owner, { name: 'Sector B', childRate: 0.5, taxRate: 0.1 });
    const [first, second] = await dailySlots(server, owner, service.id, daysFromNow(12), daysFromNow(13));
    const guest = 'guest.lookup@example.test';
    const { book } = await server.ok(
      BookDocument,
      {
        input: {
          slotIds: [second.id, first.id],
          party: { adults: 1, children: 1 },
          notes: 'Near the sea please',
          contact: { name: 'Gina Guest', email: guest, phone: '+39 06 555' },
        },
      },
      customer.token,
    );

    const found = await lookUp(book.reference.toLowerCase(), customer.email.toUpperCase());
    expect(found.status).toBe(200);
    expect(found.body.data).toEqual({
      lookupBooking: {
        reference: book.reference,
        status: 'CONFIRMED',
        serviceName: 'Sector B',
        providerName: 'Lido Azzurro',
        timezone: 'Europe/Rome',
        startsAt: first.startsAt,
        endsAt: second.endsAt,
        times: [
          { startsAt: first.startsAt, endsAt: first.endsAt },
          { startsAt: second.startsAt, endsAt: second.endsAt },
        ],
        party: { adults: 1, children: 1, infants: 0, total: 2 },
        price: {
          subtotal: { amount: '60.00', currency: 'EUR' },
          discount: { amount: '0.00' },
          tax: { amount: '6.00' },
          total: { amount: '66.00', currency: 'EUR' },
        },
        terms: {
          currency: 'EUR',
          childRate: 0.5,
          infantRate: 0,
          taxRate: 0.1,
          cancellationPolicy: { cutoffHours: 0, refundBeforeCutoff: 1, refundAfterCutoff: 0 },
        },
        refunded: null,
        holdExpiresAt: null,
        cancellationReason: null,
      },
    });
    // The guest the booking is for finds it with their own address too.
    expect((await lookUp(book.reference, guest)).body.data).toMatchObject({ lookupBooking: { status: 'CONFIRMED' } });

    const wrongEmail = await lookUp(book.reference, 'someone.else@example.test');
    const noSuchReference = await lookUp('BK-20000101-AAAAAA', customer.email);
    expect([wrongEmail.status, noSuchReference.status]).toEqual([200, 200]);
    expect(wrongEmail.body).toEqual({ data: { lookupBooking: null } });
    expect(noSuchReference.body).toEqual(wrongEmail.body);

    // Private fields are not part of the answer's type at all.
    for (const field of [
      'notes',
      'contact { email }',
      'customer { email }',
      'payment { clientSecret }',
      'history { action }',
    ]) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `{ lookupBooking(reference: "${book.reference}", email: "${customer.email}") { ${field} } }`,
        }),
      });
      expect(response.status).toBe(400);
      expect(codes((await response.json()) as GraphQLResult<unknown>)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }

    const malformed = await lookUp(book.reference, 'not an email');
    expect(malformed.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });

    await server.ok(CancelBookingDocument, { id: book.id, reason: 'Change of plans' }, customer.token);
    expect((await lookUp(book.reference, guest)).body.data).toMatchObject({
      lookupBooking: { status: 'CANCELLED', cancellationReason: 'Change of plans' },
    });
  });

  it('limits failed lookups per address, however many arrive at once; found ones do not count', async () => {
    await start(FAILURES);
    const service = await createService(server, owner);
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(14), daysFromNow(14));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    for (let i = 0; i < FAILURES + 2; i += 1) {
      expect((await lookUp(book.reference, customer.email)).body.data).toMatchObject({
        lookupBooking: { status: 'CONFIRMED' },
      });
    }
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => lookUp(`BK-20300101-AAAAA${'BCDEFGHJKMNPQRSTUVWX'[i]}`, customer.email)),
    );
    const outcome = guesses.map(({ body }) => (body.errors ? codes(body)[0] : 'NULL'));
    expect(outcome.filter((code) => code === 'NULL')).toHaveLength(FAILURES);
    expect(outcome.filter((code) => code === 'RATE_LIMITED')).toHaveLength(20 - FAILURES);
    const limited = guesses.find(({ body }) => body.errors)!;
    expect(limited.status).toBe(200);
    expect(limited.body.errors![0].extensions.retryAfter).toBeGreaterThan(0);
    // Past the limit, even the right pair waits for the window to end.
    expect(codes((await lookUp(book.reference, customer.email)).body)).toEqual(['RATE_LIMITED']);
  });
});
