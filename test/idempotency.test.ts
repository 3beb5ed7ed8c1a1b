import { createHash, randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  BookDocument,
  LogInDocument,
  MyBookingsDocument,
  RefreshTokenDocument,
  SignUpDocument,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { codes, type GraphQLResult, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let customer: Account;
const clock = new TestClock();

beforeAll(
  async () => ({ stripe, server, owner, customer } = await startWithStripe({ stripe: { timeoutMs: 2_000 } }, clock)),
);
afterAll(() => stopAll(server, stripe));

interface Answer<T> {
  status: number;
  replayed: boolean;
  text: string;
  result: GraphQLResult<T>;
}

/** A body POSTed with an Idempotency-Key. */
const post = (key: string, body: string, token?: string) =>
  fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': key,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });

/** One operation over HTTP with an Idempotency-Key, keeping the raw answer. */
async function send<T, V>(
  key: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  token?: string,
): Promise<Answer<T>> {
  const response = await post(key, JSON.stringify({ query: print(document), variables }), token);
  const text = await response.text();
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    text,
    result: JSON.parse(text) as GraphQLResult<T>,
  };
}

const newKey = () => `key-${randomBytes(6).toString('hex')}`;

async function slots(input: Parameters<typeof createService>[2] = {}) {
  const service = await createService(server, owner, input);
  return dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(6));
}

async function bookingsOf(who: Account): Promise<number> {
  return (await server.ok(MyBookingsDocument, {}, who.token)).myBookings.length;
}

describe('Idempotency-Key', () => {
  it('makes ten concurrent identical book requests one booking with ten identical answers', async () => {
    const [slot] = await slots();
    const before = await bookingsOf(customer);
    const key = newKey();
    const input = { input: { slotIds: [slot.id], party: { adults: 1 } } };
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(key, BookDocument, input, customer.token)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect(answers[0].result.data?.book).toMatchObject({ status: 'CONFIRMED', slots: [{ booked: 1 }] });
    expect(answers.filter((answer) => answer.replayed)).toHaveLength(9);
    expect(await bookingsOf(customer)).toBe(before + 1);

    // Later repeats get the same answer, even when it would be refused now.
    const again = await send(key, BookDocument, input, customer.token);
    expect([again.replayed, again.text]).toEqual([true, answers[0].text]);
    expect(await bookingsOf(customer)).toBe(before + 1);
  });

  it('refuses the same key with another body, and keeps keys apart per caller', async () => {
    const [first, second] = await slots();
    const key = newKey();
    await send(key, BookDocument, { input: { slotIds: [first.id], party: { adults: 1 } } }, customer.token);
    const other = await send(
      key,
      BookDocument,
      { input: { slotIds: [second.id], party: { adults: 1 } } },
      customer.token,
    );
    expect(other.status).toBe(422);
    expect(other.result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Idempotency-Key: /),
      extensions: { code: 'BAD_USER_INPUT', field: 'Idempotency-Key' },
    });

    const someoneElse = await signUp(server, 'CUSTOMER');
    const theirs = await send(
      key,
      BookDocument,
      { input: { slotIds: [second.id], party: { adults: 1 } } },
      someoneElse.token,
    );
    expect([theirs.replayed, theirs.result.data?.book.status]).toEqual([false, 'CONFIRMED']);
    const [{ booked }] = await server.sql<{ booked: number }>('select booked from slot where id = $1', [second.id]);
    expect(booked).toBe(1); // the other caller's booking only: the refused request did nothing

    const tooLong = await send(
      'k'.repeat(256),
      BookDocument,
      { input: { slotIds: [second.id], party: { adults: 1 } } },
      customer.token,
    );
    expect([tooLong.status, tooLong.result.errors?.[0].extensions]).toEqual([
      400,
      { code: 'BAD_USER_INPUT', field: 'Idempotency-Key' },
    ]);
  });

  it('keys an anonymous caller by address, and ignores the header on queries', async () => {
    const email = `anon-${randomBytes(4).toString('hex')}@example.test`;
    const key = newKey();
    const input = { input: { email, password: 'password123', name: 'Anon', role: 'CUSTOMER' as const } };
    const [first, second] = [await send(key, SignUpDocument, input), await send(key, SignUpDocument, input)];
    expect(first.result.data?.signUp.user.id).toBeDefined();
    expect([second.replayed, second.text]).toEqual([true, first.text]);
    const query = await send(key, MyBookingsDocument, {}, customer.token);
    expect([query.replayed, codes(query.result)]).toEqual([false, []]);
    const [{ count }] = await server.sql<{ count: string }>('select count(*) from idempotency_key where key = $1', [
      key,
    ]);
    expect(count).toBe('1');
  });

  it('gives the key back when nothing was done, and forgets it after 24 hours', async () => {
    const [paid] = await slots({ requiresPayment: true });
    const key = newKey();
    const input = { input: { slotIds: [paid.id], party: { adults: 1 } } };
    stripe.mode = 'error';
    try {
      expect(codes((await send(key, BookDocument, input, customer.token)).result)).toEqual([
        'PAYMENT_PROVIDER_UNAVAILABLE',
      ]);
    } finally {
      stripe.mode = 'ok';
    }
    const retried = await send(key, BookDocument, input, customer.token);
    expect([retried.replayed, retried.result.data?.book.status]).toEqual([false, 'PENDING_PAYMENT']);

    const [free] = await slots();
    const daily = newKey();
    const book = { input: { slotIds: [free.id], party: { adults: 1 } } };
    const first = await send(daily, BookDocument, book, customer.token);
    clock.advance(23 * 3_600_000);
    expect((await send(daily, BookDocument, book, customer.token)).replayed).toBe(true);
    clock.advance(2 * 3_600_000);
    const later = await send(daily, BookDocument, book, customer.token);
    expect(later.replayed).toBe(false);
    expect(later.result.data?.book.id).not.toBe(first.result.data?.book.id);
  });

  it('keeps no token, secret or password in the clear: answers are sealed, fingerprints keyed', async () => {
    const email = `sealed-${randomBytes(4).toString('hex')}@example.test`;
    const password = 'a-password-to-hide';
    const signUpInput = { input: { email, password, name: 'Sealed', role: 'CUSTOMER' as const } };
    const signedUp = await send(newKey(), SignUpDocument, signUpInput);
    const logInKey = newKey();
    const logIns = [
      await send(logInKey, LogInDocument, { email, password }),
      await send(logInKey, LogInDocument, { email, password }),
    ];
    expect(logIns.map((answer) => answer.replayed)).toEqual([false, true]);
    expect(logIns[1].text).toBe(logIns[0].text); // the same tokens come back
    const refreshToken = logIns[0].result.data!.logIn.refreshToken;
    const refreshed = await send(newKey(), RefreshTokenDocument, { refreshToken });
    const [paid] = await slots({ requiresPayment: true });
    const booked = await send(
      newKey(),
      BookDocument,
      { input: { slotIds: [paid.id], party: { adults: 1 } } },
      customer.token,
    );
    const secrets = [
      signedUp.result.data!.signUp.token,
      signedUp.result.data!.signUp.refreshToken,
      logIns[0].result.data!.logIn.token,
      refreshToken,
      refreshed.result.data!.refreshToken.token,
      refreshed.result.data!.refreshToken.refreshToken,
      booked.result.data!.book.payment!.clientSecret!,
    ];
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length > 10)).toBe(true);
    const rows = await server.sql<{ body: string; fingerprint: string }>(
      'select body, fingerprint from idempotency_key where body is not null',
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const stored = JSON.stringify(rows);
    expect(secrets.filter((secret) => stored.includes(secret))).toEqual([]);
    expect(stored).not.toMatch(/"data"|refreshToken|clientSecret/);
    // A fingerprint that is a plain hash of the body would let anyone with the table test passwords.
    const logInBody = JSON.stringify({ query: print(LogInDocument), variables: { email, password } });
    const plain = createHash('sha256')
      .update(JSON.stringify(JSON.parse(logInBody)))
      .digest('hex');
    expect(rows.map((row) => row.fingerprint)).not.toContain(plain);
  });

  it('refuses a query text over the length limit before parsing or storing it, anonymous or not', async () => {
    // 880 KB of tokens: within the body limit, far past the query's length and token limits.
    const body = JSON.stringify({ query: `mutation { logOut ${'__typename '.repeat(80_000)}}` });
    for (const token of [undefined, customer.token]) {
      const key = newKey();
      const response = await post(key, body, token);
      const result = (await response.json()) as GraphQLResult<unknown>;
      expect([response.status, codes(result), result.errors?.[0].message]).toEqual([
        400,
        ['QUERY_TOO_COMPLEX'],
        'The query is longer than 100000 characters.',
      ]);
      expect(await server.sql('select 1 from idempotency_key where key = $1', [key])).toEqual([]);
    }
  });
});
