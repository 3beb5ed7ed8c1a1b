import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { BookDocument, MyBookingsDocument } from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp } from './support/fixtures';
import { eventually } from './support/live';
import { asTestServer, startServerProcess, type ServerProcess } from './support/process';
import { createTestDatabase, METRICS_TOKEN, type TestServer } from './support/server';

/** A local OTLP/HTTP receiver: what an OpenTelemetry collector would be given (JSON, as OTEL_EXPORTER_OTLP_PROTOCOL=http/json sends it). */
async function otlpReceiver() {
  const bodies: { path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spans = () =>
    bodies
      .filter((each) => each.path === '/v1/traces')
      .flatMap(
        (each) =>
          (
            JSON.parse(each.body) as {
              resourceSpans: { scopeSpans: { spans: { name: string; kind: number; traceId: string }[] }[] }[];
            }
          ).resourceSpans,
      )
      .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A GraphQL POST with our own headers, answered as fetch sees it. */
function post(server: TestServer, document: Parameters<typeof print>[0], variables: object, headers: object) {
  return fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
}

/** The raw bytes an asset is sent as, with and without gzip. */
function rawSize(url: string, gzip: boolean): Promise<{ bytes: number; encoding?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] }));
      })
      .on('error', reject);
  });
}

describe('observability', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let process_: ServerProcess;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await otlpReceiver();
    process_ = await startServerProcess({
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100', // export spans within 100 ms, not the default 5 s
    });
    server = asTestServer(process_, database.url);
  });
  afterAll(async () => {
    await process_.stop();
    await receiver.stop();
    await database.drop();
  });

  it('gives every request an id: the one it came with when plain and short, in the answer header and its errors', async () => {
    const kept = await post(server, MyBookingsDocument, {}, { 'x-request-id': 'client-req-0001' });
    expect(kept.headers.get('x-request-id')).toBe('client-req-0001');
    // Not signed in: the error names the request, for the integrator to quote.
    expect(await kept.json()).toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
      extensions: { requestId: 'client-req-0001' },
    });
    for (const refused of ['x'.repeat(129), 'has spaces in it', 'quote"d']) {
      const answer = await post(server, MyBookingsDocument, {}, { 'x-request-id': refused });
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const made = await fetch(server.url.replace('/graphql', '/health'));
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs every request once with its id, and the jobs a request queued with the same id', async () => {
    const [owner, customer] = [await signUp(server, 'PROVIDER'), await signUp(server, 'CUSTOMER')];
    const service = await createService(server, owner);
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(2), daysFromNow(3));
    const booked = await post(
      server,
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      { authorization: `Bearer ${customer.token}`, 'x-request-id': 'book-request-42' },
    );
    expect(((await booked.json()) as { data: { book: { status: string } } }).data.book.status).toBe('CONFIRMED');
    const lines = () =>
      process_
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = () => lines().filter((line) => (line.req as { id?: string } | undefined)?.id === 'book-request-42');
    await eventually(async () => access().length > 0); // written once the answer is sent
    expect(access()).toEqual([
      expect.objectContaining({
        msg: 'POST /graphql 200',
        req: { id: 'book-request-42', method: 'POST', url: '/graphql' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(access())).not.toContain(customer.token); // no headers, no tokens
    // The booking's emails are jobs the request queued: their log lines carry its id.
    await eventually(async () =>
      lines().some((line) => line.msg === 'job done' && line.requestId === 'book-request-42'),
    );
    expect(lines().find((line) => line.msg === 'job done' && line.requestId === 'book-request-42')).toMatchObject({
      job: { task: expect.stringMatching(/booking_created|mail|message|sync/) },
      durationMs: expect.any(Number),
    });
  });

  it('serves request and job latency histograms on /metrics', async () => {
    const text = await (
      await fetch(server.url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.1",route="\/graphql",method="POST",status="200"\} \d+/m,
    );
    expect(text).toMatch(/^http_request_duration_seconds_count\{route="\/health",method="GET",status="200"\} [1-9]/m);
    expect(text).toMatch(/^job_duration_seconds_count\{task="booking_created",outcome="success"\} [1-9]/m);
  });

  it('exports OpenTelemetry traces of HTTP requests and their SQL to the configured OTLP endpoint', async () => {
    await fetch(server.url.replace('/graphql', '/health'));
    await eventually(async () => receiver.spans().some((span) => span.name.startsWith('GET')), 15_000);
    const spans = receiver.spans();
    const request = spans.find((span) => span.name.startsWith('GET') && span.kind === 2)!; // SERVER
    expect(request).toBeDefined();
    // The health check's "select 1" is a child span of the same trace.
    expect(spans.some((span) => span.traceId === request.traceId && /pg|select|postgres/i.test(span.name))).toBe(true);
  });

  it('compresses pages and assets: the explorer bundle travels gzipped', async () => {
    const asset = server.url.replace('/graphql', '/assets/explorer.js');
    const [plain, gzipped] = [await rawSize(asset, false), await rawSize(asset, true)];
    expect(plain.encoding).toBeUndefined();
    expect(gzipped.encoding).toBe('gzip');
    expect(gzipped.bytes).toBeLessThan(plain.bytes / 3);
  });
});
