import type { Client } from 'graphql-ws';
import {
  BookDocument,
  ChangePasswordDocument,
  LogInDocument,
  LogOutDocument,
  MeDocument,
  RotateCalendarFeedDocument,
  ServicesDocument,
  UpdateMeDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  noticed,
  signUp,
  statementsDuring,
  type Account,
} from './support/fixtures';
import { TestClock } from './support/clock';
import { liveClient, overSocket } from './support/live';
import { asTestServer, startServerProcess, type ServerProcess } from './support/process';
import { codes, startTestServer, type TestServer } from './support/server';

const MINUTE = 60_000;
const clock = new TestClock();
/** Two processes on one database: `here` in this process (its clock movable), `there` spawned. */
let here: TestServer;
let process2: ServerProcess;
let there: TestServer;

beforeAll(async () => {
  here = await startTestServer({ accessTokenMinutes: 15 }, clock);
  process2 = await startServerProcess({ DATABASE_URL: here.databaseUrl, WORKER: 'off' });
  there = asTestServer(process2, here.databaseUrl);
});
afterAll(async () => {
  await there.stop();
  await here.stop();
});

interface OpenSocket {
  client: Client;
  /** The close code, once the server closed the socket. */
  closed: Promise<number>;
}

/** A signed-in socket, connected (it has answered `me`). */
async function socketOn(server: TestServer, token: string): Promise<OpenSocket> {
  let closedWith!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (closedWith = resolve));
  const client = liveClient(server.url, token, (code) => closedWith(code));
  expect(codes(await overSocket(client, MeDocument))).toEqual([]);
  return { client, closed };
}

/** Resolves with the close code, or fails if the socket is still open after 10 s. */
async function closeCode(socket: OpenSocket): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      socket.closed,
      new Promise<number>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('the socket stayed open')), 10_000)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function provider(): Promise<Account & { serviceId: string; slotIds: string[] }> {
  const account = await signUp(here, 'PROVIDER');
  const service = await createService(here, account);
  const slots = await dailySlots(here, account, service.id, daysFromNow(3), daysFromNow(5));
  return { ...account, serviceId: service.id, slotIds: slots.map((slot) => slot.id) };
}

describe('a socket lives no longer than its session', () => {
  it('logOut on one process closes the session’s socket on the other with 4403; HTTP refuses the token on both', async () => {
    const customer = await signUp(here, 'CUSTOMER');
    const socket = await socketOn(here, customer.token);
    expect((await there.ok(LogOutDocument, {}, customer.token)).logOut).toBe(true);
    expect(await closeCode(socket)).toBe(4403);
    // The socket closed because this process heard the notice: its HTTP check knows too.
    expect(codes(await here.request(MeDocument, {}, customer.token))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await there.request(MeDocument, {}, customer.token))).toEqual(['UNAUTHENTICATED']);
  });

  it('a password change closes the sockets of the other sessions on every process; the caller’s socket stays', async () => {
    const phone = await signUp(here, 'CUSTOMER');
    const { logIn: laptop } = await here.ok(LogInDocument, { email: phone.email, password: 'password123' });
    const laptopHere = await socketOn(here, laptop.token);
    const laptopThere = await socketOn(there, laptop.token);
    const phoneHere = await socketOn(here, phone.token);
    await there.ok(ChangePasswordDocument, { current: 'password123', next: 'new-password-9' }, phone.token);
    expect(await closeCode(laptopHere)).toBe(4403);
    expect(await closeCode(laptopThere)).toBe(4403);
    const stillOpen = await overSocket(phoneHere.client, UpdateMeDocument, { input: { name: 'Still here' } });
    expect(codes(stillOpen)).toEqual([]);
    await phoneHere.client.dispose();
  });

  it('deactivation and deletion, made in SQL, close the account’s sockets on every process', async () => {
    const off = await signUp(here, 'CUSTOMER');
    const gone = await signUp(here, 'CUSTOMER');
    const sockets = [
      await socketOn(here, off.token),
      await socketOn(there, off.token),
      await socketOn(here, gone.token),
      await socketOn(there, gone.token),
    ];
    await here.sql('update app_user set deactivated_at = now() where id = $1', [off.userId]);
    await here.sql('delete from app_user where id = $1', [gone.userId]);
    expect(await Promise.all(sockets.map(closeCode))).toEqual([4403, 4403, 4403, 4403]);
  });

  it('a role taken away in SQL applies to the next operation on an open socket, which stays open', async () => {
    const owner = await provider();
    const socket = await socketOn(there, owner.token);
    const rename = (name: string) =>
      overSocket(socket.client, UpdateServiceDocument, { id: owner.serviceId, input: { name } });
    expect(codes(await rename('Renamed over the socket'))).toEqual([]);
    await noticed(there, () => here.sql(`update app_user set role = 'CUSTOMER' where id = $1`, [owner.userId]));
    expect(codes(await rename('Renamed again'))).toEqual(['FORBIDDEN']);
    await socket.client.dispose();
  });

  it('an expired token: every operation is refused and the socket closes with 4403 (book, updateMe, updateService, rotateCalendarFeed)', async () => {
    const owner = await provider();
    const customer = await signUp(here, 'CUSTOMER');
    const operations: [string, (client: Client) => Promise<unknown>][] = [
      [
        customer.token,
        (client) => overSocket(client, BookDocument, { input: { slotIds: [owner.slotIds[0]], party: { adults: 1 } } }),
      ],
      [customer.token, (client) => overSocket(client, UpdateMeDocument, { input: { name: 'Changed' } })],
      [
        owner.token,
        (client) => overSocket(client, UpdateServiceDocument, { id: owner.serviceId, input: { name: 'Changed' } }),
      ],
      [owner.token, (client) => overSocket(client, RotateCalendarFeedDocument)],
    ];
    const sockets = await Promise.all(operations.map(([token]) => socketOn(here, token)));
    clock.advance(16 * MINUTE); // past the 15-minute token; the sessions themselves live on
    try {
      const results = await Promise.all(operations.map(([, run], i) => run(sockets[i].client)));
      for (const result of results) expect(codes(result as { errors?: [] })).not.toEqual([]);
      expect(await Promise.all(sockets.map(closeCode))).toEqual([4403, 4403, 4403, 4403]);
    } finally {
      clock.advance(-16 * MINUTE);
    }
    // Nothing was done.
    const [{ count }] = await here.sql<{ count: string }>('select count(*) from booking where customer_id = $1', [
      customer.userId,
    ]);
    expect(count).toBe('0');
    const names = await here.sql<{ name: string }>('select name from app_user where id = any($1)', [
      [customer.userId, owner.userId],
    ]);
    expect(names.map((row) => row.name)).not.toContain('Changed');
    const [service] = await here.sql<{ name: string }>('select name from service where id = $1', [owner.serviceId]);
    expect(service.name).not.toBe('Changed');
    const feeds = await here.sql('select 1 from calendar_feed where user_id = $1', [owner.userId]);
    expect(feeds).toHaveLength(0);
  });
});

describe('the session check', () => {
  it('costs one query for a session’s first request, none while nothing changed, and one again after a notice', async () => {
    const { token, userId } = await signUp(here, 'CUSTOMER');
    const anonymous = await statementsDuring(here, () => here.ok(ServicesDocument, {}));
    expect(await statementsDuring(here, () => here.ok(ServicesDocument, {}, token))).toBe(anonymous + 1);
    expect(await statementsDuring(here, () => here.ok(ServicesDocument, {}, token))).toBe(anonymous);
    // A change of the account elsewhere (here: a role set again in SQL) drops the process's check of it.
    await noticed(here, () => here.sql(`update app_user set role = 'PROVIDER' where id = $1`, [userId]));
    expect(await statementsDuring(here, () => here.ok(ServicesDocument, {}, token))).toBe(anonymous + 1);
    expect((await here.ok(MeDocument, {}, token)).me!.role).toBe('PROVIDER');
  });
});
