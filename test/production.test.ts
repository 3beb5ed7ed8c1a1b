import pino from 'pino';
import WebSocket from 'ws';
import { errorForLog } from '../src/infra/logger';
import { openOrm } from '../src/infra/orm';
import { createService, dailySlots, daysFromNow, signUp } from './support/fixtures';
import { runUntilExit, startServerProcess } from './support/process';
import { createTestDatabase, METRICS_TOKEN, startTestServer, type TestServer } from './support/server';

/** What an answer must never show: HTML, a stack frame, an install path. */
const LEAKS = /<[a-z!]|\bat [\w.]+ \(|\/work\/|node_modules|\.ts:\d/i;

async function answer(response: Response) {
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** Malformed JSON, a body over the limit, a body that is not JSON, an unknown route. */
async function badRequests(graphqlUrl: string) {
  const post = (body: string, type = 'application/json') =>
    fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': type }, body });
  return {
    malformed: await answer(await post('{"query": "{ services { id } }"')),
    tooLarge: await answer(
      await post(JSON.stringify({ query: '{ services { id } }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } })),
    ),
    notJson: await answer(
      await post('query=%7B%20services%20%7B%20id%20%7D%20%7D', 'application/x-www-form-urlencoded'),
    ),
    unknownRoute: await answer(await fetch(graphqlUrl.replace('/graphql', '/nowhere'))),
  };
}

function expectSafeJson(
  answers: Record<string, { status: number; type: string; text: string }>,
  statuses: Record<string, number>,
) {
  for (const [name, { status, type, text }] of Object.entries(answers)) {
    expect({ name, status, type: type.split(';')[0], leaks: LEAKS.test(text) }).toEqual({
      name,
      status: statuses[name],
      type: 'application/json',
      leaks: false,
    });
    expect(JSON.parse(text).errors[0].extensions.code).toEqual(expect.any(String));
  }
}

const STATUSES = { malformed: 400, tooLarge: 413, notJson: 400, unknownRoute: 404 };

/** Opens a graphql-ws socket; resolves with the HTTP status that refused it, or 101 once open. */
function openSocket(httpUrl: string, forwardedFor?: string): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', {
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
  });
}

describe('a server outside production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxSocketsPerClient: 2, trustProxy: 'loopback' });
  });
  afterAll(() => server.stop());

  it('answers every bad request with JSON and a code: no HTML, stack or path', async () => {
    expectSafeJson(await badRequests(server.url), STATUSES);
  });

  it('serves /metrics only with its Bearer token; /health stays public', async () => {
    const metricsUrl = server.url.replace('/graphql', '/metrics');
    const statuses = await Promise.all(
      [undefined, 'Bearer wrong', `Bearer ${METRICS_TOKEN}`].map(
        async (authorization) => (await fetch(metricsUrl, { headers: authorization ? { authorization } : {} })).status,
      ),
    );
    expect(statuses).toEqual([401, 401, 200]);
    expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
  });

  it('records the client address a trusted proxy forwards (TRUST_PROXY)', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const [slot] = await dailySlots(
      server,
      provider,
      (await createService(server, provider)).id,
      daysFromNow(2),
      daysFromNow(2),
    );
    const customer = await signUp(server, 'CUSTOMER');
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${customer.token}`,
        'x-forwarded-for': '203.0.113.7',
      },
      body: JSON.stringify({
        query: `mutation { book(input: { slotIds: [${slot.id}], party: { adults: 1 } }) { id } }`,
      }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    // The booking's entry (the service, schedule and slots made before it have entries of their own).
    expect(await server.sql(`select ip from audit_entry where subject_type = 'booking'`)).toEqual([
      { ip: '203.0.113.7' },
    ]);
  });

  it('refuses a client its socket past MAX_SOCKETS_PER_CLIENT with 429, and takes it again once one closes', async () => {
    const first = await openSocket(server.url);
    const second = await openSocket(server.url);
    expect([first.status, second.status, (await openSocket(server.url)).status]).toEqual([101, 101, 429]);
    const other = await openSocket(server.url, '198.51.100.9'); // another client behind the trusted proxy
    expect(other.status).toBe(101);
    await new Promise((resolve) => {
      first.socket!.once('close', resolve);
      first.socket!.close();
    });
    const again = await openSocket(server.url);
    expect(again.status).toBe(101);
    for (const { socket } of [second, other, again]) socket!.close();
  });
});

describe('NODE_ENV=production', () => {
  it('refuses to start without JWT_SECRET, in one line', async () => {
    expect(await runUntilExit({ NODE_ENV: 'production' })).toEqual({
      code: 1,
      lines: [expect.stringContaining('JWT_SECRET must be set')],
    });
  });

  it('hides /metrics without METRICS_TOKEN and answers bad requests with JSON', async () => {
    const database = await createTestDatabase();
    const server = await startServerProcess({ DATABASE_URL: database.url, NODE_ENV: 'production', METRICS_TOKEN: '' });
    try {
      expect((await fetch(server.url.replace('/graphql', '/metrics'))).status).toBe(404);
      expectSafeJson(await badRequests(server.url), STATUSES);
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});

describe('outside production without JWT_SECRET', () => {
  it('starts, and warns that tokens die with the process', async () => {
    const database = await createTestDatabase();
    const server = await startServerProcess({ DATABASE_URL: database.url, JWT_SECRET: '' });
    try {
      expect(server.output()).toMatch(/"level":40.*JWT_SECRET is not set/);
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});

describe('error logs', () => {
  it('keep the class, the code and PostgreSQL sentence of a failed statement, not its values', async () => {
    const database = await createTestDatabase();
    const orm = await openOrm(database.url, pino({ level: 'silent' }), {
      statementTimeoutMs: 0,
      dbConnectTimeoutMs: 5_000,
    });
    try {
      await orm.em.getConnection().execute('create table guest (email text primary key, passport text)');
      const insert = `insert into guest (email, passport) values ('secret@example.test', 'secret-passport')`;
      await orm.em.getConnection().execute(insert);
      const failure = await orm.em
        .getConnection()
        .execute(insert)
        .catch((error: unknown) => error);
      const logged = JSON.stringify(errorForLog(failure));
      expect(JSON.parse(logged)).toMatchObject({
        code: '23505',
        message: expect.stringContaining('duplicate key value'),
        constraint: expect.any(String),
      });
      expect(logged).not.toMatch(/secret|insert into/);
    } finally {
      await orm.close();
      await database.drop();
    }
  });
});
