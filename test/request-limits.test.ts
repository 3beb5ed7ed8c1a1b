import { createHash } from 'node:crypto';
import net from 'node:net';
import type { Client } from 'graphql-ws';
import {
  BookDocument,
  BookingDocument,
  ModifyBookingDocument,
  ServicesPageDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp, type Account } from './support/fixtures';
import { liveClient } from './support/live';
import { startServerProcess } from './support/process';
import { codes, createTestDatabase, startTestServer, type GraphQLResult, type TestServer } from './support/server';

/** What an answer said: its HTTP status and its errors' codes (and the first one's field). */
interface Said {
  status: number;
  codes: string[];
  field?: unknown;
}

async function said(response: Response): Promise<Said> {
  const result = (await response.json()) as GraphQLResult<unknown>;
  const field = result.errors?.[0]?.extensions.field;
  return { status: response.status, codes: codes(result), ...(field === undefined ? {} : { field }) };
}

const post = (url: string, body: string, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });

/** One operation over the socket: the codes (and first field) it was answered with. */
function overSocket(client: Client, query: string, variables?: Record<string, unknown>): Promise<Omit<Said, 'status'>> {
  return new Promise((resolve) => {
    let last: GraphQLResult<unknown> = {};
    const done = (result: GraphQLResult<unknown>) => {
      const field = result.errors?.[0]?.extensions.field;
      resolve({ codes: codes(result), ...(field === undefined ? {} : { field }) });
    };
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          last = result as GraphQLResult<unknown>;
        },
        error: (errors) => done({ errors: errors as GraphQLResult<unknown>['errors'] }),
        complete: () => done(last),
      },
    );
  });
}

let server: TestServer;
let owner: Account;
let customer: Account;
let serviceId: string;

beforeAll(async () => {
  server = await startTestServer();
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'CUSTOMER')]);
  serviceId = (await createService(server, owner)).id;
});
afterAll(() => server.stop());

describe('client mistakes are answered 4xx with a precise code, never as a server error', () => {
  it('answers each finding of the audit as the client’s fault', async () => {
    const month = `from: "${daysFromNow(1)}T00:00:00Z", to: "${daysFromNow(29)}T00:00:00Z"`;
    const answers = {
      deepJson: await said(
        await post(
          server.url,
          `{"query":"{ services { id } }","variables":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
        ),
      ),
      unknownOperationName: await said(
        await post(server.url, JSON.stringify({ query: 'query A { services { id } }', operationName: 'B' })),
      ),
      overTheCostLimit: await said(
        await post(server.url, JSON.stringify({ query: `{ services { slots(${month}) { id startsAt endsAt } } }` })),
      ),
      firstNull: await said(
        await post(
          server.url,
          JSON.stringify({
            query: 'query ($first: Int) { servicesConnection(first: $first) { totalCount } }',
            variables: { first: null },
          }),
        ),
      ),
      // Variables the operation cannot take: checked as the compiled operation runs, answered as graphql-js names them.
      notAnInt: await said(
        await post(
          server.url,
          JSON.stringify({
            query: 'query ($first: Int) { servicesConnection(first: $first) { totalCount } }',
            variables: { first: 'many' },
          }),
        ),
      ),
      notADateTime: await said(
        await post(
          server.url,
          JSON.stringify({
            query: `query ($from: DateTime!) { services { slots(from: $from, to: "${daysFromNow(2)}T00:00:00Z") { id } } }`,
            variables: { from: 'tomorrow' },
          }),
        ),
      ),
      subscriptionOverHttp: await said(
        await post(
          server.url,
          JSON.stringify({
            query: `subscription { availabilityChanged(serviceIds: [${serviceId}]) { serviceId } }`,
          }),
        ),
      ),
      persistedQueryOfAnotherHash: await said(
        await post(
          server.url,
          JSON.stringify({
            query: '{ services { id } }',
            extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('x').digest('hex') } },
          }),
        ),
      ),
    };
    expect(answers).toEqual({
      deepJson: { status: 400, codes: ['BAD_REQUEST'] },
      unknownOperationName: { status: 400, codes: ['OPERATION_RESOLUTION_FAILURE'] },
      overTheCostLimit: { status: 400, codes: ['QUERY_TOO_COMPLEX'] },
      firstNull: { status: 400, codes: ['BAD_USER_INPUT'], field: 'first' },
      notAnInt: { status: 400, codes: ['BAD_USER_INPUT'] },
      notADateTime: { status: 400, codes: ['BAD_USER_INPUT'] },
      subscriptionOverHttp: { status: 400, codes: ['OPERATION_NOT_SUPPORTED'] },
      persistedQueryOfAnotherHash: { status: 400, codes: ['BAD_REQUEST'] },
    });
  });

  it('refuses a lone surrogate in modifyBooking’s reason, naming it, and changes nothing', async () => {
    const slots = await dailySlots(server, owner, serviceId, daysFromNow(5), daysFromNow(6));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      customer.token,
    );
    const refused = await server.request(
      ModifyBookingDocument,
      { id: book.id, input: { slotIds: [slots[1].id], reason: 'moved \ud800' } },
      customer.token,
    );
    expect([codes(refused), refused.errors?.[0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'reason']);
    const { booking } = await server.ok(BookingDocument, { id: book.id }, customer.token);
    expect([booking?.slots.map((slot) => slot.id), booking?.history.length]).toEqual([[slots[0].id], 1]);
  });

  it('answers the same over WebSocket: first: null, a query over the length limit, variables nested too deep', async () => {
    const socket = liveClient(server.url);
    try {
      const deep = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown;
      expect({
        firstNull: await overSocket(
          socket,
          'query ($first: Int) { servicesConnection(first: $first) { totalCount } }',
          {
            first: null,
          },
        ),
        tooLong: await overSocket(socket, `{ services { id ${'__typename '.repeat(10_000)}} }`),
        tooDeep: await overSocket(socket, 'query ($x: JSON) { services { id } }', { x: deep }),
        stillOpen: await overSocket(socket, '{ services { id } }'),
      }).toEqual({
        firstNull: { codes: ['BAD_USER_INPUT'], field: 'first' },
        tooLong: { codes: ['QUERY_TOO_COMPLEX'] },
        tooDeep: { codes: ['BAD_REQUEST'] },
        stillOpen: { codes: [] },
      });
    } finally {
      await socket.dispose();
    }
  });

  it('refuses a GET query over the token limit before running it, and runs a good one', async () => {
    const get = (query: string) =>
      fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(await said(await get(`{ services { ${'id '.repeat(2_100)}} }`))).toEqual({
      status: 400,
      codes: ['QUERY_TOO_COMPLEX'],
    });
    const { servicesConnection } = await server.ok(ServicesPageDocument, { first: 1 });
    expect(servicesConnection.totalCount).toBeGreaterThan(0);
  });
});

describe('an APQ hash that does not match its query', () => {
  it('answers 400 BAD_REQUEST and logs no error, nor a stack', async () => {
    const database = await createTestDatabase();
    const process = await startServerProcess({ DATABASE_URL: database.url, LOG_LEVEL: 'info' });
    try {
      const answer = await said(
        await post(
          process.url,
          JSON.stringify({
            query: '{ services { id } }',
            extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
          }),
        ),
      );
      expect(answer).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
      // The answer above is sent after anything it logs: the output holds it by now.
      expect(process.output()).not.toMatch(/"level":50|stack|unexpected error/);
    } finally {
      await process.stop();
      await database.drop();
    }
  });
});

/**
 * Opens a raw connection and sends `head` at once, then one byte of `trickle` a second: the time until
 * the server closes the connection, and the status line it answered (if any).
 */
function trickle(port: number, head: string, dribble: string): Promise<{ seconds: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    let sent = 0;
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    const timer = setInterval(() => {
      if (sent < dribble.length && socket.writable) socket.write(dribble[sent++]);
    }, 1_000);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ seconds: (Date.now() - started) / 1000, answer: answer.split('\r\n')[0] });
    });
  });
}

describe('slow clients', () => {
  it('get 30 seconds to send a whole request, headers or body, then 408 and the connection closed', async () => {
    const port = Number(new URL(server.url).port);
    const [headers, body] = await Promise.all([
      trickle(port, 'POST /graphql HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: '.padEnd(200, 'x')),
      trickle(
        port,
        'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n',
        ' '.repeat(200),
      ),
    ]);
    // An honest client has its 30 s; the server takes at most a second to notice (and a loaded machine a few more).
    for (const [name, held] of Object.entries({ headers, body })) {
      expect({ name, answer: held.answer, inTime: held.seconds >= 29 && held.seconds < 45 }).toEqual({
        name,
        answer: 'HTTP/1.1 408 Request Timeout',
        inTime: true,
      });
    }
  }, 120_000);
});

describe('security headers', () => {
  const SECURITY = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': expect.stringMatching(/default-src 'self';.*frame-ancestors 'none';.*script-src 'self'/),
  };

  /** The security headers of an answer, and whether it had HSTS. */
  async function headersOf(url: string, init: RequestInit = {}) {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return {
      ...Object.fromEntries(Object.keys(SECURITY).map((name) => [name, response.headers.get(name)])),
      hsts: response.headers.get('strict-transport-security'),
    };
  }

  function surfaces(base: string, providerId: string): [string, string, RequestInit?][] {
    const origin = base.replace('/graphql', '');
    return [
      ['explorer', base, { headers: { accept: 'text/html' } }],
      [
        'api',
        base,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ services { id } }"}' },
      ],
      ['calendar page', `${origin}/calendar/${providerId}`],
      ['booking page', `${origin}/bookings/1?sig=nothing`],
      ['asset', `${origin}/assets/explorer.js`],
      ['health', `${origin}/health`],
      ['unknown route', `${origin}/nowhere`],
      ['image', `${origin}/images/nothing.webp`],
    ];
  }

  it('are on every answer: API, explorer, pages, assets; HSTS only behind https', async () => {
    for (const [name, url, init] of surfaces(server.url, owner.providerId!)) {
      expect({ name, ...(await headersOf(url, init)) }).toEqual({ name, ...SECURITY, hsts: null });
    }
  });

  it('add HSTS in production, and when a trusted proxy says the request came over https', async () => {
    const production = await startTestServer({ production: true });
    const proxied = await startTestServer({ trustProxy: 'loopback' });
    try {
      const provider = await signUp(production, 'PROVIDER');
      for (const [name, url, init] of surfaces(production.url, provider.providerId!)) {
        expect({ name, ...(await headersOf(url, init)) }).toEqual({
          name,
          ...SECURITY,
          hsts: expect.stringMatching(/^max-age=\d+; includeSubDomains$/),
        });
      }
      const viaHttps = await headersOf(proxied.url.replace('/graphql', '/health'), {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(viaHttps.hsts).toMatch(/^max-age=/);
      expect((await headersOf(proxied.url.replace('/graphql', '/health'))).hsts).toBeNull();
    } finally {
      await Promise.all([production.stop(), proxied.stop()]);
    }
  });

  it('let other sites show uploaded images', async () => {
    const response = await fetch(server.url.replace('/graphql', '/images/nothing.webp'));
    expect([response.status, response.headers.get('cross-origin-resource-policy')]).toEqual([404, 'cross-origin']);
  });
});
