import { BookDocument, BookingDocument, CreateWebhookEndpointDocument } from '../client/generated/graphql';
import { TestClock } from './support/clock';
import { connectGoogleAccount, googleSettings } from './support/calendars';
import { FakeGoogle } from './support/fake-google';
import { FakeStripe, SECRET_KEY, WEBHOOK_SECRET } from './support/fake-stripe';
import { FakeZoom, ZOOM_CREDENTIALS } from './support/fake-zoom';
import { createService, dailySlots, daysFromNow, intentOf, jobsSettled, runJobsNow, signUp } from './support/fixtures';
import { eventually } from './support/live';
import { Receiver } from './support/receiver';
import { startTestServer, type TestServer } from './support/server';

/**
 * A payment that succeeds after its hold ended confirms the booking in a savepoint (its seats may have
 * gone meanwhile): everything its listeners asked for in there must be written with it, the rows they
 * write with SQL of their own too (webhook deliveries, calendar and Zoom jobs).
 */
let server: TestServer;
let stripe: FakeStripe;
let google: FakeGoogle;
let zoom: FakeZoom;
let receiver: Receiver;
const clock = new TestClock();

beforeAll(async () => {
  [stripe, google, zoom, receiver] = await Promise.all([
    FakeStripe.start(),
    FakeGoogle.start(),
    FakeZoom.start(),
    Receiver.start(),
  ]);
  server = await startTestServer(
    {
      stripe: { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiUrl: stripe.url, timeoutMs: 1_000 },
      google: googleSettings(google),
      zoom: { ...ZOOM_CREDENTIALS, apiUrl: zoom.url, timeoutMs: 1_000 },
      webhooks: { allowHttp: true, timeoutMs: 1_000 },
      holdMinutes: 15,
    },
    clock,
  );
});
afterAll(async () => {
  await server.stop();
  await Promise.all([stripe.stop(), google.stop(), zoom.stop(), receiver.stop()]);
});

it('a payment that succeeds after its hold ended sends its booking.* webhook and makes its calendar event and Zoom meeting', async () => {
  const [owner, customer] = await Promise.all([
    signUp(server, 'PROVIDER', 'Dr Late'),
    signUp(server, 'CUSTOMER', 'Carl Customer'),
  ]);
  const service = await createService(server, owner, {
    name: 'Late consult',
    requiresPayment: true,
    meetingProvider: 'ZOOM',
    capacity: 1,
    priceAmount: '40.00',
  });
  const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
  // The provider's Google account, connected through the consent page as a browser would, and a webhook endpoint.
  expect((await connectGoogleAccount(server, google, owner, 'dr.late@gmail.test')).response.status).toBe(200);
  await server.ok(
    CreateWebhookEndpointDocument,
    { url: receiver.url('/late'), events: ['booking.created', 'booking.changed', 'booking.cancelled'] },
    owner.token,
  );
  await jobsSettled(server);

  const { book } = await server.ok(
    BookDocument,
    { input: { slotIds: [slot.id], party: { adults: 1 } } },
    customer.token,
  );
  const intentId = await intentOf(server, book.id);
  clock.advance(16 * 60_000);
  await runJobsNow(server, 'expire_payment_hold');
  expect((await server.ok(BookingDocument, { id: book.id }, customer.token)).booking!.status).toBe('EXPIRED');

  expect((await stripe.deliver(server.url, stripe.settle(intentId, 'succeeded'))).status).toBe(200);
  await jobsSettled(server);
  const late = (await server.ok(BookingDocument, { id: book.id }, customer.token)).booking!;
  expect(late).toMatchObject({ status: 'CONFIRMED' });
  expect(late.history.find((entry) => entry.action === 'booking.confirmed')).toMatchObject({
    reason: 'paid after the hold ended; the seats were still free',
  });

  // The webhook of the confirmation.
  await eventually(async () =>
    receiver.received.some((hook) => {
      const body = JSON.parse(hook.body);
      return (
        body.type === 'booking.changed' && body.data.action === 'booking.confirmed' && body.data.booking.id === book.id
      );
    }),
  );
  // The event in the provider's dedicated Google calendar, and the Zoom meeting (whose link reaches the booking).
  await runJobsNow(server, 'calendar_sync', 'zoom_meeting');
  const [calendar] = google.dedicated('dr.late@gmail.test');
  expect(google.live(calendar).map((event) => event.summary)).toEqual([
    `Late consult: Carl Customer (${book.reference})`,
  ]);
  const meetings = [...zoom.meetings.values()].filter((meeting) => meeting.topic.endsWith(`(${book.reference})`));
  expect(meetings).toHaveLength(1);
  await eventually(
    async () =>
      (await server.ok(BookingDocument, { id: book.id }, customer.token)).booking!.meetingUrl === meetings[0].join_url,
  );
});
