import { BookDocument, CancelBookingDocument } from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp, storedMails } from './support/fixtures';
import { FakeZoom, ZOOM_CREDENTIALS } from './support/fake-zoom';
import { eventually } from './support/live';
import { startServerProcess, type ServerProcess } from './support/process';
import { METRICS_TOKEN, startTestServer, type TestServer } from './support/server';

let zoom: FakeZoom;
let server: TestServer;
let worker: ServerProcess;

beforeAll(async () => {
  zoom = await FakeZoom.start();
  const zoomSettings = { ...ZOOM_CREDENTIALS, apiUrl: zoom.url, timeoutMs: 5_000 };
  // The API without its in-process worker, and `npm run worker` (the built worker) as a process of its own.
  server = await startTestServer({ runWorker: false, zoom: zoomSettings });
  worker = await startWorker();
});

function startWorker(): Promise<ServerProcess> {
  return startServerProcess(
    {
      DATABASE_URL: server.databaseUrl,
      WORKER_METRICS_PORT: '0',
      ZOOM_ACCOUNT_ID: ZOOM_CREDENTIALS.accountId,
      ZOOM_CLIENT_ID: ZOOM_CREDENTIALS.clientId,
      ZOOM_CLIENT_SECRET: ZOOM_CREDENTIALS.clientSecret,
      ZOOM_API_URL: zoom.url,
    },
    'dist/src/worker-main.js',
  );
}
afterAll(async () => {
  await worker?.stop();
  await server?.stop();
  await zoom.stop();
});

/** One sample of a process's /metrics, by its full name with labels; 0 when the process has none. */
async function sample(metricsUrl: string, series: string): Promise<number> {
  const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  const line = (await response.text()).split('\n').find((text) => text.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('a separate worker process', () => {
  it('serves the changes its jobs make on its own /metrics, behind the same token', async () => {
    const apiMetrics = server.url.replace('/graphql', '/metrics');
    const linked = 'booking_changes_total{action="booking.meeting_linked"}';
    const [owner, customer] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'CUSTOMER')]);
    const service = await createService(server, owner, { meetingProvider: 'ZOOM', capacity: 1 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(4), daysFromNow(4));
    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, customer.token);

    // The worker made the Zoom meeting and linked it: a change made by a job, counted where the job ran.
    await eventually(async () => (await sample(worker.url, linked)) === 1, 30_000);
    expect(await sample(worker.url, 'bookings_created_total')).toBe(0);
    expect(await sample(apiMetrics, 'bookings_created_total')).toBe(1);
    expect(await sample(apiMetrics, linked)).toBe(0);
    // Summed over processes, as the alert rules of docs/operations.md do, every change is there once.
    const everyChange = async (action: string) =>
      (await sample(apiMetrics, `booking_changes_total{action="${action}"}`)) +
      (await sample(worker.url, `booking_changes_total{action="${action}"}`));
    expect([await everyChange('booking.created'), await everyChange('booking.meeting_linked')]).toEqual([1, 1]);

    expect((await fetch(worker.url)).status).toBe(401);
    const text = await (await fetch(worker.url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).not.toContain('slot_utilization_percentage'); // the servers read it
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('writes a booking’s emails in the order of its changes, when it first sees them together', async () => {
    await worker.stop();
    const [owner, customer] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'CUSTOMER')]);
    const service = await createService(server, owner);
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(6), daysFromNow(6));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    // Both changes' jobs wait in the outbox until a worker runs: it moves and runs them together.
    worker = await startWorker();
    const subjects = (await storedMails(server, customer.email)).map((mail) => mail.subject);
    expect(subjects).toEqual([
      expect.stringMatching(/^Booking confirmed/),
      expect.stringMatching(/^Booking cancelled/),
    ]);
  });
});
