import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ChangePasswordDocument,
  CreateServiceDocument,
  LogInDocument,
  LogOutDocument,
  MeDocument,
  RefreshTokenDocument,
  ServicesDocument,
  SignUpDocument,
} from '../client/generated/graphql';
import { REFRESH_GRACE_MS } from '../src/accounts/session.service';
import { startApp } from '../src/app';
import { SERVICE, logInAdmin, noticed, signUp, statementsDuring } from './support/fixtures';
import { TestClock } from './support/clock';
import { ADMIN, codes, startTestServer, testConfig, type TestServer } from './support/server';

const MINUTE = 60_000;
const clock = new TestClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ accessTokenMinutes: 15, refreshTokenDays: 30 }, clock);
});
afterAll(() => server.stop());

const PASSWORD = 'password123';

async function account(role: 'CUSTOMER' | 'PROVIDER' = 'CUSTOMER') {
  const email = `s-${Math.random().toString(36).slice(2)}@example.test`;
  const { signUp: payload } = await server.ok(SignUpDocument, {
    input: { email, password: PASSWORD, name: 'Sam', role },
  });
  return { email, ...payload };
}

const me = async (token: string) => codes(await server.request(MeDocument, {}, token));
const refresh = (refreshToken: string) => server.request(RefreshTokenDocument, { refreshToken });

/** What the socket answers a connection with this token: connected, or the close code. */
function socketAnswer(token: string): Promise<'connected' | number> {
  return new Promise((resolve) => {
    const client = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      on: {
        connected: () => {
          resolve('connected');
          void client.dispose();
        },
        closed: (event) => resolve((event as { code: number }).code),
      },
    });
  });
}

describe('access tokens', () => {
  it('last 15 minutes: then HTTP answers UNAUTHENTICATED and the socket closes with 4403', async () => {
    const { token, expiresAt } = await account();
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBeGreaterThan(14 * MINUTE);
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(15 * MINUTE);
    expect(await me(token)).toEqual([]);
    expect(await socketAnswer(token)).toBe('connected');
    clock.advance(16 * MINUTE);
    expect(await me(token)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await server.request(ServicesDocument, {}, token))).toEqual(['UNAUTHENTICATED']);
    expect(await socketAnswer(token)).toBe(4403);
  });

  it('take the role from the account, not from the token', async () => {
    const provider = await account('PROVIDER');
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }, provider.token))).toEqual([]);
    await noticed(server, () => server.sql(`update app_user set role = 'CUSTOMER' where id = $1`, [provider.user.id]));
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }, provider.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await server.ok(MeDocument, {}, provider.token)).me!.role).toBe('CUSTOMER');
  });

  it('stop working when the account is deactivated or deleted; a deactivated account cannot log in or refresh', async () => {
    const gone = await account();
    const off = await account();
    await server.sql('update app_user set deactivated_at = now() where id = $1', [off.user.id]);
    await server.sql('delete from app_user where id = $1', [gone.user.id]);
    for (const { token } of [gone, off]) {
      expect(await me(token)).toEqual(['UNAUTHENTICATED']);
      expect(await socketAnswer(token)).toBe(4403);
    }
    expect(codes(await server.request(LogInDocument, { email: off.email, password: PASSWORD }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(codes(await refresh(off.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('cost one query for a session’s first request and none for an anonymous one', async () => {
    const { token } = await signUp(server, 'CUSTOMER');
    const anonymous = await statementsDuring(server, () => server.ok(ServicesDocument, {}));
    const signedIn = await statementsDuring(server, () => server.ok(ServicesDocument, {}, token));
    expect(signedIn - anonymous).toBe(1);
    expect(await statementsDuring(server, () => server.ok(MeDocument, {}))).toBe(0);
  });
});

describe('refresh tokens', () => {
  it('give a new pair once: a twin within the grace gets the same pair, later the old token is refused and its replay ends the session', async () => {
    const first = await account();
    clock.advance(20 * MINUTE); // the access token has expired; the refresh token has not
    expect(await me(first.token)).toEqual(['UNAUTHENTICATED']);
    const { refreshToken: second } = await server.ok(RefreshTokenDocument, { refreshToken: first.refreshToken });
    expect(second.user.id).toBe(first.user.id);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await me(second.token)).toEqual([]);

    // The same trade again right after (a second tab, a retry): the same refresh token, the session goes on.
    const { refreshToken: twin } = await server.ok(RefreshTokenDocument, { refreshToken: first.refreshToken });
    expect(twin.refreshToken).toBe(second.refreshToken);
    expect(await me(twin.token)).toEqual([]);

    // Past the grace, someone replays the first refresh token: refused, and the session it belongs to ends.
    clock.advance(REFRESH_GRACE_MS + 1_000);
    expect(codes(await refresh(first.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(await me(second.token)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await refresh(second.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('trade once under concurrency: eight trades of one token at once all get the same new pair, which trades once', async () => {
    const { refreshToken } = await account();
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(refreshToken)));
    expect(results.map(codes)).toEqual(Array.from({ length: 8 }, () => []));
    const next = new Set(results.map((result) => result.data!.refreshToken.refreshToken));
    expect(next.size).toBe(1);
    expect(next.has(refreshToken)).toBe(false);
    // Every answer signs in: the honest client is not signed out by its own concurrent refreshes.
    for (const result of results) expect(await me(result.data!.refreshToken.token)).toEqual([]);
    const [newer] = next;
    const traded = await Promise.all(Array.from({ length: 4 }, () => refresh(newer)));
    expect(new Set(traded.map((result) => result.data!.refreshToken.refreshToken)).size).toBe(1);
    const [{ count }] = await server.sql<{ count: string }>(
      'select count(*) from session where user_id = $1 and revoked_at is null',
      [results[0].data!.refreshToken.user.id],
    );
    expect(count).toBe('1');
  });

  it('expire after 30 days without use, and are stored only as a hash', async () => {
    const { refreshToken, user } = await account();
    const rows = await server.sql<{ refresh_hash: string }>('select refresh_hash from session where user_id = $1', [
      user.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].refresh_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].refresh_hash).not.toContain(refreshToken);
    clock.advance(29 * 24 * 60 * MINUTE);
    const { refreshToken: renewed } = await server.ok(RefreshTokenDocument, { refreshToken });
    clock.advance(31 * 24 * 60 * MINUTE);
    expect(codes(await refresh(renewed.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('answer UNAUTHENTICATED for a made-up token', async () => {
    expect(codes(await refresh('made-up'))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('logOut', () => {
  it('ends only its own session: its access and refresh tokens stop working, other devices go on', async () => {
    const phone = await account();
    const { logIn: laptop } = await server.ok(LogInDocument, { email: phone.email, password: PASSWORD });
    expect((await server.ok(LogOutDocument, {}, phone.token)).logOut).toBe(true);
    expect(await me(phone.token)).toEqual(['UNAUTHENTICATED']);
    expect(await socketAnswer(phone.token)).toBe(4403);
    expect(codes(await refresh(phone.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(await me(laptop.token)).toEqual([]);
    expect(codes(await server.request(LogOutDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('changePassword', () => {
  it('ends every other session, keeps the caller signed in with a new pair, and swaps the passwords', async () => {
    const phone = await account();
    const { logIn: laptop } = await server.ok(LogInDocument, { email: phone.email, password: PASSWORD });
    const { changePassword } = await server.ok(
      ChangePasswordDocument,
      { current: PASSWORD, next: 'new-password-9' },
      phone.token,
    );
    expect(await me(laptop.token)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await refresh(laptop.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(await me(changePassword.token)).toEqual([]);
    expect(codes(await refresh(phone.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await refresh(changePassword.refreshToken))).toEqual([]);
    expect(codes(await server.request(LogInDocument, { email: phone.email, password: PASSWORD }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(codes(await server.request(LogInDocument, { email: phone.email, password: 'new-password-9' }))).toEqual([]);
  });

  it('refuses a wrong current password or a short new one and changes nothing', async () => {
    const phone = await account();
    const { logIn: laptop } = await server.ok(LogInDocument, { email: phone.email, password: PASSWORD });
    const wrong = await server.request(
      ChangePasswordDocument,
      { current: 'not-the-password', next: 'new-password-9' },
      phone.token,
    );
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    const short = await server.request(ChangePasswordDocument, { current: PASSWORD, next: 'short' }, phone.token);
    expect(short.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'next' });
    expect(await me(laptop.token)).toEqual([]);
    expect(codes(await server.request(LogInDocument, { email: phone.email, password: PASSWORD }))).toEqual([]);
  });
});

describe('the administrator', () => {
  /** Starts and stops another server on the same database, as a restart with these settings would. */
  async function restartWith(adminPassword: string): Promise<void> {
    const app = await startApp(testConfig(server.databaseUrl, { adminPassword }), clock);
    await app.stop();
  }

  it('keeps its sessions over a restart with the same ADMIN_PASSWORD, and loses them to a new one', async () => {
    const admin = await logInAdmin(server);
    await restartWith(ADMIN.password);
    expect(await me(admin.token)).toEqual([]);
    await restartWith('rotated-admin-password');
    expect(await me(admin.token)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await server.request(LogInDocument, ADMIN))).toEqual(['UNAUTHENTICATED']);
    expect(
      codes(await server.request(LogInDocument, { email: ADMIN.email, password: 'rotated-admin-password' })),
    ).toEqual([]);
  });
});
