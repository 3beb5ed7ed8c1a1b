import { print } from 'graphql';
import { loadConfig, type RateLimitSettings } from '../src/config';
import {
  BookDocument,
  ChangePasswordDocument,
  CreateServiceDocument,
  LogInDocument,
  SignUpDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, SERVICE, signUp } from './support/fixtures';
import { startServerProcess, type ServerProcess } from './support/process';
import {
  codes,
  createTestDatabase,
  startTestServer,
  type GraphQLResult,
  type TestServer,
  tally,
} from './support/server';

const PASSWORD = 'password123';
const DEFAULTS = loadConfig({}).rateLimits;

// One server per test, stopped after it: each holds its own connections to PostgreSQL.
let running: TestServer | undefined;
async function serverWith(limits: Partial<RateLimitSettings>): Promise<TestServer> {
  // Behind a proxy on loopback: X-Forwarded-For names the client's address.
  running = await startTestServer({ rateLimits: { ...DEFAULTS, ...limits }, trustProxy: 'loopback' });
  return running;
}
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function accountOn(server: TestServer) {
  const email = `r-${Math.random().toString(36).slice(2)}@example.test`;
  await server.ok(SignUpDocument, { input: { email, password: PASSWORD, name: 'Rita', role: 'CUSTOMER' } });
  return email;
}

/** logIn over HTTP to a server's URL (one of ours or a spawned process), from `address` when its proxy is trusted. */
async function logIn(url: string, email: string, password: string, address?: string): Promise<GraphQLResult<unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
    body: JSON.stringify({ query: print(LogInDocument), variables: { email, password } }),
  });
  return (await response.json()) as GraphQLResult<unknown>;
}

const retryAfterOf = (result: GraphQLResult<unknown>) => result.errors![0].extensions.retryAfter as number;

describe('failed logIns', () => {
  it('default to 10 per account and address in 60 seconds, however many arrive at once; the owner elsewhere still logs in', async () => {
    expect(DEFAULTS).toMatchObject({ loginPerAccount: 10, loginPerAddress: 100, loginWindowSeconds: 60 });
    const server = await serverWith({});
    const [victim, other] = [await accountOn(server), await accountOn(server)];
    const stranger = '198.51.100.7';
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => logIn(server.url, victim, `guess-${i}`, stranger)),
    );
    expect(tally(guesses)).toEqual({ UNAUTHENTICATED: 10, RATE_LIMITED: 20 });
    const limited = guesses.find((result) => codes(result)[0] === 'RATE_LIMITED')!;
    expect(retryAfterOf(limited)).toBeGreaterThan(0);
    expect(retryAfterOf(limited)).toBeLessThanOrEqual(60);

    // The guesser's address gets no further for this account, even with the right password; another
    // account from there does, and so does the account's owner from their own address: nobody is locked out.
    expect(codes(await logIn(server.url, victim, PASSWORD, stranger))).toEqual(['RATE_LIMITED']);
    expect(codes(await logIn(server.url, other, PASSWORD, stranger))).toEqual([]);
    expect(codes(await logIn(server.url, victim, PASSWORD, '203.0.113.20'))).toEqual([]);
    // Guesses from many addresses still cost each address its own budget.
    const spread = await Promise.all(
      Array.from({ length: 3 }, (_, i) => logIn(server.url, victim, 'wrong', `192.0.2.${i + 1}`)),
    );
    expect(tally(spread)).toEqual({ UNAUTHENTICATED: 3 });

    // The window's end (here: its counters' expiry moved to the past) lets the guesser's address try again.
    await server.sql(`update rate_limit.counter set expire = 0 where key like 'loginPerAccount:%'`);
    expect(codes(await logIn(server.url, victim, PASSWORD, stranger))).toEqual([]);
  });

  it('do not count right passwords', async () => {
    const server = await serverWith({ loginPerAccount: 2, loginPerAddress: 2 });
    const email = await accountOn(server);
    for (let i = 0; i < 5; i += 1) expect(codes(await logIn(server.url, email, PASSWORD))).toEqual([]);
    expect(codes(await logIn(server.url, email, 'wrong-password'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await logIn(server.url, email, PASSWORD))).toEqual([]);
  });

  it('are limited more loosely per address, across accounts and unknown emails', async () => {
    const server = await serverWith({ loginPerAccount: 10, loginPerAddress: 5 });
    const email = await accountOn(server);
    const sprayed = await Promise.all(
      Array.from({ length: 8 }, (_, i) => logIn(server.url, `nobody-${i}@example.test`, 'wrong-password')),
    );
    expect(tally(sprayed)).toEqual({ UNAUTHENTICATED: 5, RATE_LIMITED: 3 });
    expect(codes(await logIn(server.url, email, PASSWORD))).toEqual(['RATE_LIMITED']);
  });

  it('include wrong current passwords given to changePassword, from the same address', async () => {
    const server = await serverWith({ loginPerAccount: 3 });
    const { token, email } = await signUp(server, 'CUSTOMER');
    const changes = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.request(ChangePasswordDocument, { current: 'wrong-password', next: 'new-password-9' }, token),
      ),
    );
    expect(tally(changes)).toEqual({ UNAUTHENTICATED: 3, RATE_LIMITED: 2 });
    expect(codes(await logIn(server.url, email, 'password123'))).toEqual(['RATE_LIMITED']);
    expect(codes(await logIn(server.url, email, 'password123', '203.0.113.20'))).toEqual([]);
  });
});

describe('signUp', () => {
  it('is limited per address', async () => {
    const server = await serverWith({ signUpPerAddress: 3, signUpWindowSeconds: 3600 });
    const attempts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        server.request(SignUpDocument, {
          input: { email: `s${i}@example.test`, password: PASSWORD, name: 'S', role: 'CUSTOMER' },
        }),
      ),
    );
    expect(tally(attempts)).toEqual({ OK: 3, RATE_LIMITED: 2 });
    expect(retryAfterOf(attempts.find((result) => result.errors)!)).toBeGreaterThan(60);
    const [{ count }] = await server.sql<{ count: string }>('select count(*) from app_user where email like $1', [
      's_@example.test',
    ]);
    expect(count).toBe('3');
  });
});

describe('mutations', () => {
  it('have a budget per account (per address when anonymous), counted per field so aliases do not escape it', async () => {
    const server = await serverWith({ mutationsPerClient: 4 });
    const [spender, bystander] = [await signUp(server, 'PROVIDER'), await signUp(server, 'PROVIDER')];
    const aliased = `mutation { ${Array.from({ length: 6 }, (_, i) => `s${i}: createService(input: $input) { id }`).join(' ')} }`;
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${spender.token}` },
      body: JSON.stringify({
        query: aliased.replace('mutation {', 'mutation ($input: ServiceInput!) {'),
        variables: { input: SERVICE },
      }),
    });
    expect(codes((await response.json()) as GraphQLResult<unknown>)).toEqual(['RATE_LIMITED']);
    const created = await server.sql(
      'select 1 from service s join provider p on p.id = s.provider_id where p.user_id = $1',
      [spender.userId],
    );
    expect(created).toHaveLength(4);
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }, spender.token))).toEqual([
      'RATE_LIMITED',
    ]);
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }, bystander.token))).toEqual([]);
    // Anonymous, the address pays: it has spent 2 of its 4 on the two signUps.
    expect(codes(await logIn(server.url, spender.email, PASSWORD))).toEqual([]);
    expect(codes(await logIn(server.url, spender.email, PASSWORD))).toEqual([]);
    expect(codes(await logIn(server.url, spender.email, PASSWORD))).toEqual(['RATE_LIMITED']);
  });
});

describe('book', () => {
  it('is counted in its slot read, in the same budget, and counted after when it fails before reading', async () => {
    const server = await serverWith({ mutationsPerClient: 5 });
    const provider = await signUp(server, 'PROVIDER');
    const customer = await signUp(server, 'CUSTOMER');
    const service = await createService(server, provider);
    const [first, second] = await dailySlots(server, provider, service.id, daysFromNow(2), daysFromNow(3));
    const book = (slotIds: string[]) =>
      server.request(BookDocument, { input: { slotIds, party: { adults: 1 } } }, customer.token);
    const counter = async () =>
      (
        await server.sql<{ points: number }>('select points from rate_limit.counter where key = $1', [
          `mutationsPerClient:user:${customer.userId}`,
        ])
      )[0]?.points;
    expect(codes(await book([first.id]))).toEqual([]);
    expect(await counter()).toBe(1);
    expect(codes(await book(['abc']))).toEqual(['BAD_USER_INPUT']); // refused before its read: counted after
    expect(await counter()).toBe(2);
    expect(codes(await book(['2147483000']))).toEqual(['NOT_FOUND']); // the read found no slot, and counted
    expect(await counter()).toBe(3);
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }, customer.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(await counter()).toBe(4); // one budget for every mutation
    expect(codes(await book([second.id]))).toEqual([]);
    const refused = await book([second.id]);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    expect(retryAfterOf(refused)).toBeGreaterThan(0);
    expect(codes(await book(['abc']))).toEqual(['RATE_LIMITED']);
    const [{ count }] = await server.sql<{ count: string }>('select count(*) from booking where customer_id = $1', [
      customer.userId,
    ]);
    expect(count).toBe('2');
  });

  it('counts each of many bookings read together (one statement for the moment’s reads), per customer', async () => {
    const server = await serverWith({ mutationsPerClient: 5 });
    const provider = await signUp(server, 'PROVIDER');
    const [eager, calm] = [await signUp(server, 'CUSTOMER'), await signUp(server, 'CUSTOMER')];
    const service = await createService(server, provider);
    const slots = await dailySlots(server, provider, service.id, daysFromNow(2), daysFromNow(11));
    const book = (who: typeof eager, i: number) =>
      server.request(BookDocument, { input: { slotIds: [slots[i].id], party: { adults: 1 } } }, who.token);
    const outcomes = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => book(eager, i)),
      book(calm, 8),
      book(calm, 9),
    ]);
    expect(
      outcomes
        .slice(0, 8)
        .map((outcome) => codes(outcome)[0] ?? 'BOOKED')
        .sort(),
    ).toEqual([...Array(5).fill('BOOKED'), ...Array(3).fill('RATE_LIMITED')]);
    expect(outcomes.slice(8).map(codes)).toEqual([[], []]);
    const points = await server.sql<{ key: string; points: number }>(
      'select key, points from rate_limit.counter where key = any($1) order by points',
      [[`mutationsPerClient:user:${calm.userId}`, `mutationsPerClient:user:${eager.userId}`]],
    );
    expect(points.map((row) => row.points)).toEqual([2, 8]);
    const [{ count }] = await server.sql<{ count: string }>('select count(*) from booking where service_id = $1', [
      service.id,
    ]);
    expect(count).toBe('7');
  });
});

describe('across server processes', () => {
  let database: { url: string; drop(): Promise<void> };
  let processes: ServerProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await database.drop();
  });

  it('start together on one new database, and share one counter of failed logIns', async () => {
    const env = { DATABASE_URL: database.url, ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'root-password' };
    processes = await Promise.all([1, 2].map(() => startServerProcess(env)));
    const [a, b] = processes;
    const email = 'shared@example.test';
    const signed = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: print(SignUpDocument),
        variables: { input: { email, password: PASSWORD, name: 'Sh', role: 'CUSTOMER' } },
      }),
    });
    expect(((await signed.json()) as GraphQLResult<unknown>).errors).toBeUndefined();
    const guesses = await Promise.all(
      Array.from({ length: 24 }, (_, i) => logIn(i % 2 ? b.url : a.url, email, `guess-${i}`)),
    );
    expect(tally(guesses)).toEqual({ UNAUTHENTICATED: 10, RATE_LIMITED: 14 });
    expect(codes(await logIn(b.url, email, PASSWORD))).toEqual(['RATE_LIMITED']);
    expect(codes(await logIn(a.url, email, PASSWORD))).toEqual(['RATE_LIMITED']);
  });
});
