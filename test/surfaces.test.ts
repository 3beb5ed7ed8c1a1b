import { getIntrospectionQuery } from 'graphql';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config';
import { UpdateServiceDocument } from '../client/generated/graphql';
import { TestClock } from './support/clock';
import { createService, dailySlots, daysFromNow, signUp, type Account } from './support/fixtures';
import { liveClient } from './support/live';
import { startTestServer, type TestServer } from './support/server';

const APP_ORIGIN = 'https://app.example.test';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let server: TestServer;
let closed: TestServer;
let owner: Account;
const clock = new TestClock();

beforeAll(async () => {
  // Introspection must stay on in production unless EXPLORER=off: Apollo's own default would turn it off.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    server = await startTestServer({ corsOrigins: [APP_ORIGIN, 'http://localhost:5173'] }, clock);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  closed = await startTestServer({ explorer: false });
  owner = await signUp(server, 'PROVIDER', 'Lido <b>Azzurro</b> & "Sons"');
});
afterAll(async () => {
  await server?.stop();
  await closed?.stop();
});

const page = (target: TestServer, path: string, headers: Record<string, string> = {}) =>
  fetch(target.url.replace('/graphql', path), { headers });
const post = (target: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('settings', () => {
  it('reads EXPLORER and CORS_ORIGINS, and refuses an origin that a browser would never send', () => {
    expect(loadConfig({})).toMatchObject({ explorer: true, corsOrigins: [] });
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'a-secret',
        EXPLORER: 'off',
        CORS_ORIGINS: ' https://a.example , http://localhost:3000',
      }),
    ).toMatchObject({
      explorer: false,
      corsOrigins: ['https://a.example', 'http://localhost:3000'],
    });
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('the explorer', () => {
  it('is served to a browser from our own bundle, with no address on another host', async () => {
    const response = await page(server, '/graphql', { accept: BROWSER_ACCEPT });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<script src="/assets/explorer.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await page(server, '/assets/explorer.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('leaves GraphQL over GET and POST as it was, and answers introspection in production', async () => {
    const get = await page(server, '/graphql?query=%7B__typename%7D', { 'apollo-require-preflight': 'true' });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const introspection = (await (await post(server, { query: getIntrospectionQuery() })).json()) as {
      data: { __schema: { queryType: { name: string } } };
    };
    expect(introspection.data.__schema.queryType.name).toBe('Query');
  });

  it('is off with introspection, over HTTP and WebSocket, when EXPLORER=off', async () => {
    const response = await page(closed, '/graphql', { accept: BROWSER_ACCEPT });
    expect(await response.text()).not.toContain('explorer.js');
    const overHttp = (await (await post(closed, { query: '{ __schema { queryType { name } } }' })).json()) as {
      errors: { extensions: { code: string } }[];
    };
    expect(overHttp.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await (await post(closed, { query: '{ __typename }' })).json()).toEqual({ data: { __typename: 'Query' } });
    let socketClosed!: () => void;
    const closing = new Promise<void>((resolve) => (socketClosed = resolve));
    const client = liveClient(closed.url, undefined, () => socketClosed());
    try {
      const overSocket = await new Promise<{ data?: unknown }[]>((resolve) => {
        client.subscribe(
          { query: '{ __schema { queryType { name } } }' },
          { next: (result) => resolve([result]), error: (errors) => resolve(errors as []), complete: () => {} },
        );
      });
      // Refused (the error's wording is the WebSocket formatter's business), with no schema in it.
      expect(overSocket.length).toBeGreaterThan(0);
      expect(overSocket.some((item) => item.data)).toBe(false);
    } finally {
      await client.dispose();
      await closing; // no socket left half-closed behind the test
    }
  });
});

describe('CORS', () => {
  const preflight = (target: TestServer, origin: string) =>
    fetch(target.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });

  it('answers the preflight of a listed origin with 204 and lets its requests be read', async () => {
    const response = await preflight(server, APP_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
    const request = await post(server, { query: '{ __typename }' }, { origin: APP_ORIGIN });
    expect(request.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(request.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives any other origin, and every origin when none is listed, no CORS header at all', async () => {
    for (const [target, origin] of [
      [server, 'https://evil.example.test'],
      [server, 'https://app.example.test.evil.example'],
      [closed, APP_ORIGIN],
    ] as const) {
      const answers = [await preflight(target, origin), await post(target, { query: '{ __typename }' }, { origin })];
      for (const answer of answers)
        expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('the calendar page', () => {
  it('shows the active services of a provider, one cell per day of the month, names escaped', async () => {
    const first = await createService(server, owner, { name: '<script>alert("x")</script> Sector A', capacity: 4 });
    const second = await createService(server, owner, { name: 'Sector B & "C"', capacity: 6 });
    const hidden = await createService(server, owner, { name: 'Closed sector', capacity: 6 });
    await server.ok(UpdateServiceDocument, { id: hidden.id, input: { active: false } }, owner.token);
    const day = daysFromNow(5);
    await dailySlots(server, owner, first.id, day, day);
    const month = day.slice(0, 7);

    const response = await page(server, `/calendar/${owner.providerId}?month=${month}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Sector A');
    expect(html).toContain('Lido &lt;b&gt;Azzurro&lt;/b&gt; &amp; &quot;Sons&quot;');
    expect(html).not.toContain('Closed sector');
    const cells = [...html.matchAll(/<td data-service-id="(\d+)" data-date="([\d-]+)" data-available="(\d+)"/g)];
    const daysInMonth = DateTime.fromISO(`${month}-01`).daysInMonth!;
    expect(cells.filter((cell) => cell[1] === first.id)).toHaveLength(daysInMonth);
    expect(cells.filter((cell) => cell[1] === second.id)).toHaveLength(daysInMonth);
    expect(cells.filter((cell) => cell[1] === hidden.id)).toHaveLength(0);
    expect(cells.find((cell) => cell[1] === first.id && cell[2] === day)![3]).toBe('4');
    expect(cells.filter((cell) => cell[3] !== '0').map((cell) => cell[2])).toEqual([day]);
    expect(html).toContain(`href="?month=${DateTime.fromISO(`${month}-01`).minus({ months: 1 }).toFormat('yyyy-MM')}"`);
    expect(html).toContain(`href="?month=${DateTime.fromISO(`${month}-01`).plus({ months: 1 }).toFormat('yyyy-MM')}"`);
  });

  it("opens on the current month in the services' zone", async () => {
    const provider = await signUp(server, 'PROVIDER');
    await createService(server, provider, { timezone: 'Pacific/Auckland' });
    // 2031-01-31 12:30 UTC is already 1 February in Auckland.
    const offset = Date.parse('2031-01-31T12:30:00Z') - Date.now();
    clock.advance(offset);
    try {
      const html = await (await page(server, `/calendar/${provider.providerId}`)).text();
      expect(html).toContain('data-month="2031-02"');
    } finally {
      clock.advance(-offset);
    }
  });

  it('answers 404 for an unknown provider and 400 for a bad month, without leaking anything', async () => {
    for (const path of ['/calendar/999999', '/calendar/abc', '/calendar/%3Cb%3E']) {
      const response = await page(server, path);
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).toContain('There is no provider');
      expect(html).not.toContain('<b>');
    }
    const bad = await page(server, `/calendar/${owner.providerId}?month=2026-13`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/month.*YYYY-MM/);
  });
});
