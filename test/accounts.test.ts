import { LogInDocument, MeDocument, SignUpDocument } from '../client/generated/graphql';
import { logInAdmin, signUp } from './support/fixtures';
import { ADMIN, codes, startTestServer, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const input = (email: string, extra: object = {}) => ({
  email,
  password: 'password123',
  name: 'Ann',
  role: 'CUSTOMER' as const,
  ...extra,
});

describe('sign up and log in', () => {
  it('makes customers and providers; a provider gets a profile', async () => {
    const { signUp: customer } = await server.ok(SignUpDocument, { input: input('ann@example.test') });
    expect(customer.user).toMatchObject({
      email: 'ann@example.test',
      role: 'CUSTOMER',
      timezone: 'UTC',
      provider: null,
    });
    const { signUp: provider } = await server.ok(SignUpDocument, {
      input: input('Bob@Example.test', { role: 'PROVIDER', name: 'Bob Tours', timezone: 'Europe/Rome' }),
    });
    expect(provider.user).toMatchObject({
      email: 'bob@example.test',
      role: 'PROVIDER',
      timezone: 'Europe/Rome',
      provider: { name: 'Bob Tours' },
    });
    const me = await server.ok(MeDocument, {}, provider.token);
    expect(me.me).toMatchObject({ id: provider.user.id, provider: { id: provider.user.provider!.id } });
  });

  it('stores only an argon2id hash', async () => {
    await server.ok(SignUpDocument, { input: input('hash@example.test') });
    const [row] = await server.sql<{ password_hash: string }>(
      `select password_hash from app_user where email = 'hash@example.test'`,
    );
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('password123');
  });

  it('refuses ADMIN, duplicate emails in any case, short passwords, bad emails and zones', async () => {
    expect(codes(await server.request(SignUpDocument, { input: input('x@example.test', { role: 'ADMIN' }) }))).toEqual([
      'FORBIDDEN',
    ]);
    await server.ok(SignUpDocument, { input: input('dup@example.test') });
    const dup = await server.request(SignUpDocument, { input: input('DUP@example.TEST') });
    expect(codes(dup)).toEqual(['BAD_USER_INPUT']);
    expect(dup.errors![0].message).toMatch(/^email/);
    const short = await server.request(SignUpDocument, {
      input: { ...input('short@example.test'), password: 'seven77' },
    });
    expect(short.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'password' } });
    expect((await server.request(SignUpDocument, { input: input('not-an-email') })).errors![0].extensions.field).toBe(
      'email',
    );
    const zone = await server.request(SignUpDocument, {
      input: input('zone@example.test', { timezone: 'Mars/Olympus' }),
    });
    expect(zone.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
    const [{ count }] = await server.sql<{ count: string }>(
      `select count(*) from app_user where email in ('short@example.test', 'zone@example.test')`,
    );
    expect(count).toBe('0');
  });

  it('gives the same answer to a wrong password and an unknown email', async () => {
    await server.ok(SignUpDocument, { input: input('login@example.test') });
    const wrong = await server.request(LogInDocument, { email: 'login@example.test', password: 'wrong-password' });
    const unknown = await server.request(LogInDocument, { email: 'nobody@example.test', password: 'wrong-password' });
    expect(wrong.errors).toEqual(unknown.errors);
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    const { logIn } = await server.ok(LogInDocument, { email: 'LOGIN@example.test', password: 'password123' });
    expect(logIn.user.role).toBe('CUSTOMER');
  });

  it('refuses a malformed or forged token on the whole request, and takes no token as anonymous', async () => {
    const account = await signUp(server, 'CUSTOMER');
    const forged = `${account.token.slice(0, -4)}AAAA`;
    for (const authorization of [`Bearer ${forged}`, 'Bearer', `Basic ${account.token}`, 'Bearer not.a.token']) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ services { id } }' }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as GraphQLResult<unknown>;
      expect([body.data, codes(body)]).toEqual([undefined, ['UNAUTHENTICATED']]);
      expect(body.errors![0].message).not.toMatch(/Context creation|jws|signature/i);
    }
    expect((await server.ok(MeDocument, {})).me).toBeNull();
    expect((await server.ok(MeDocument, {}, account.token)).me).toMatchObject({ id: account.userId });
  });

  it('creates the admin from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const admin = await logInAdmin(server);
    expect((await server.ok(MeDocument, {}, admin.token)).me).toMatchObject({ email: ADMIN.email, role: 'ADMIN' });
  });
});

describe('emails', () => {
  it('are stored as NFKC, trimmed and lower-cased, and found again in any of those forms', async () => {
    const { signUp: account } = await server.ok(SignUpDocument, { input: input('  Ｃａｒｌ@Ｅｘａｍｐｌｅ.test ') });
    expect(account.user.email).toBe('carl@example.test');
    const { logIn } = await server.ok(LogInDocument, { email: 'CARL@example.ｔｅｓｔ', password: 'password123' });
    expect(logIn.user.id).toBe(account.user.id);
    const dup = await server.request(SignUpDocument, { input: input('carl@ｅｘａｍｐｌｅ.test') });
    expect(dup.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it.each([
    ['a zero-width space', 'dan\u200b@example.test'],
    ['a zero-width joiner', 'dan@exa\u200dmple.test'],
    ['a soft hyphen', 'd\u00adan@example.test'],
    ['a right-to-left mark', 'dan\u200f@example.test'],
    ['a byte-order mark', 'dan@\ufeffexample.test'],
    ['a Hangul filler', 'dan\u3164@example.test'],
    ['a control character', 'dan\u0007@example.test'],
  ])('refuses %s with BAD_USER_INPUT on email, and signs nobody up', async (_what, email) => {
    const result = await server.request(SignUpDocument, { input: input(email) });
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(await server.sql(`select 1 from app_user where email like 'dan%' or email like '%dan@%'`)).toEqual([]);
    const logIn = await server.request(LogInDocument, { email, password: 'password123' });
    expect(logIn.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});
