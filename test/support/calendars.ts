import {
  AvailabilityChangedDocument,
  BookDocument,
  BookingCalendarSyncsDocument,
  ConnectGoogleCalendarDocument,
  MyCalendarConnectionsDocument,
  ResyncCalendarDocument,
  SetCalendarBlockingDocument,
  SlotsDocument,
} from '../../client/generated/graphql';
import type { Config } from '../../src/config';
import { CookieJar } from './cookie-jar';
import type { FakeGoogle } from './fake-google';
import type { Account } from './fixtures';
import { createService, dailySlots, daysFromNow, jobsSettled, runJobsNow, signUp, storedMails } from './fixtures';
import { liveClient, Subscription, subscribed } from './live';
import { codes, type GraphQLResult, startTestServer, type TestServer } from './server';

/** The calendar jobs a test runs to the end; busy-time reads are run by the tests that look at them. */
const CALENDAR_TASKS = ['calendar_sync', 'calendar_resync', 'calendar_revoke'];

/** Runs the calendar jobs until none is waiting, also those queued for later (retries). */
export async function settleCalendars(server: TestServer): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await runJobsNow(server, ...CALENDAR_TASKS);
    const [{ waiting }] = await server.sql<{ waiting: string }>(
      `select count(*) as waiting from graphile_worker.jobs where task_identifier = any($1) and attempts < max_attempts`,
      [CALENDAR_TASKS],
    );
    if (waiting === '0') return;
  }
  throw new Error('calendar jobs did not settle');
}

/** A URL on PUBLIC_URL (what the server answers) as served by this test server, which listens on a port of its own. */
export function onTestServer(server: TestServer, url: string): string {
  const base = server.url.replace(/\/graphql$/, '');
  return `${base}${new URL(url).pathname}${new URL(url).search}`;
}

/** A provider with a one-seat service and daily slots from 3 to 9 days ahead. */
export async function providerWithSlots(
  server: TestServer,
  name: string,
  input: Parameters<typeof createService>[2] = {},
) {
  const provider = await signUp(server, 'PROVIDER', name);
  const service = await createService(server, provider, { capacity: 1, ...input });
  const slots = await dailySlots(server, provider, service.id, daysFromNow(3), daysFromNow(9));
  return { provider, service, slots };
}

/** Expects none of `secrets` (tokens a service gave out) in any text column of the database. */
export async function expectStoredNowhere(server: TestServer, secrets: string[]): Promise<void> {
  const columns = await server.sql<{ table_schema: string; table_name: string; column_name: string }>(
    `select table_schema, table_name, column_name from information_schema.columns where table_schema in ('public', 'graphile_worker') and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
  );
  for (const { table_schema, table_name, column_name } of columns) {
    const hits = await server.sql(
      `select 1 from "${table_schema}"."${table_name}" where "${column_name}"::text like any($1) limit 1`,
      [secrets.map((secret) => `%${secret}%`)],
    );
    expect({ column: `${table_name}.${column_name}`, hits: hits.length }).toEqual({
      column: `${table_name}.${column_name}`,
      hits: 0,
    });
  }
}

/** The settings that point the server's Google Calendar at a fake Google. */
export const googleSettings = (google: FakeGoogle): NonNullable<Config['google']> => ({
  clientId: 'client-id',
  clientSecret: 'client-secret',
  apiUrl: google.url,
  timeoutMs: 1_000,
  tokenKey: 'calendar-key-one',
});

/** A server with these (calendar) settings, and the customer who books in its tests. */
export async function startCalendarServer(
  settings: Partial<Config>,
): Promise<{ server: TestServer; customer: Account }> {
  const server = await startTestServer(settings);
  return { server, customer: await signUp(server, 'CUSTOMER', 'Cora Customer') };
}

/**
 * Connects an account as the provider's browser would: it opens the start link a connect mutation answered,
 * is sent to the service's consent page, and `approve` (the fake service's user) answers where the service
 * sends it back. The consent URL, the browser and the callback's answer.
 */
export async function connectInBrowser(
  server: TestServer,
  startLink: string,
  approve: (consent: URL) => string,
): Promise<{ consent: URL; browser: CookieJar; response: Response; html: string }> {
  const browser = new CookieJar();
  const consent = await openStartLink(server, browser, startLink);
  const response = await browser.fetch(onTestServer(server, approve(consent)));
  return { consent, browser, response, html: await response.text() };
}

/** Connects the provider's Google account `email` as its browser would, approved on the fake Google's consent page. */
export async function connectGoogleAccount(server: TestServer, google: FakeGoogle, provider: Account, email: string) {
  const { connectGoogleCalendar: start } = await server.ok(ConnectGoogleCalendarDocument, {}, provider.token);
  return connectInBrowser(server, start, (consent) => google.approve(consent, email));
}

/** A browser opens a start link: the consent page it is sent to. */
export async function openStartLink(server: TestServer, browser: CookieJar, startLink: string): Promise<URL> {
  const started = await browser.fetch(onTestServer(server, startLink));
  expect(started.status).toBe(303);
  return new URL(started.headers.get('location')!);
}

/** How many seconds ahead the waiting job of this key is due. */
export async function jobWait(server: TestServer, key: string): Promise<number> {
  const [job] = await server.sql<{ wait: number }>(
    `select extract(epoch from run_at - now())::float as wait from graphile_worker.jobs where key = $1`,
    [key],
  );
  return job.wait;
}

/**
 * The steps a calendar test file's tests share, on the server and customer `current` answers (they are
 * made in its beforeAll).
 */
export function calendarSteps(current: () => { server: TestServer; customer: Account }) {
  const server = () => current().server;
  const connections = async (provider: Account) =>
    (await server().ok(MyCalendarConnectionsDocument, {}, provider.token)).myCalendarConnections;
  const book = async (slotId: string) =>
    (await server().ok(BookDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, current().customer.token))
      .book;
  const syncs = async (bookingId: string, who: Account) =>
    (await server().ok(BookingCalendarSyncsDocument, { id: bookingId }, who.token)).booking!;
  return {
    local: (url: string) => onTestServer(server(), url),
    settle: () => settleCalendars(server()),
    connections,
    book,
    syncs,
    providerWithSlots: (name: string, input: Parameters<typeof createService>[2] = {}) =>
      providerWithSlots(server(), name, input),

    /** Every booking SYNCED in the one connection of the provider, whose calendar holds exactly their events. */
    async expectInStep(provider: Account, booked: { id: string }[], eventIds: string[]): Promise<void> {
      expect(eventIds).toEqual(booked.map((booking) => `booking${booking.id}`).sort());
      for (const booking of booked) expect((await syncs(booking.id, provider)).calendarSyncs[0].status).toBe('SYNCED');
      expect((await connections(provider))[0].pendingSyncs).toBe(0);
    },

    /**
     * Books two slots into a connection whose grant the service no longer honours: the connection moves to
     * NEEDS_REAUTH and their syncs to FAILED; a third booking tries no sync; one email (`subject`) tells the
     * provider; resyncing is refused until the account is connected again. The connection as it was then.
     */
    async bookIntoLostGrant(provider: Account, slots: { id: string }[], subject: string) {
      const first = await book(slots[0].id);
      const second = await book(slots[1].id);
      await settleCalendars(server());
      const [connection] = await connections(provider);
      expect(connection).toMatchObject({ status: 'NEEDS_REAUTH', lastError: expect.stringContaining('invalid_grant') });
      for (const booking of [first, second])
        expect((await syncs(booking.id, provider)).calendarSyncs[0]).toMatchObject({
          status: 'FAILED',
          lastError: expect.stringContaining('reconnect'),
        });
      await book(slots[2].id); // no sync is even tried for a connection that needs the provider
      await settleCalendars(server());
      const mails = (await storedMails(server(), provider.email)).filter((mail) => mail.subject.includes(subject));
      expect(mails).toHaveLength(1);
      expect(codes(await server().request(ResyncCalendarDocument, { id: connection.id }, provider.token))).toEqual([
        'INVALID_TRANSITION',
      ]);
      return { connection, first, mails };
    },

    /**
     * Blocking turned on closes the slot the account is busy in (slots[1] of three): open calendars hear
     * CLOSED and booking it is refused (`whileClosed` checks what the service adds); turned off, it reopens
     * at once, heard as OPENED, and can be booked.
     */
    async expectBlockingRoundTrip(
      {
        provider,
        service,
        slots,
      }: { provider: Account; service: { id: string }; slots: { id: string; startsAt: string; endsAt: string }[] },
      whileClosed: (connectionId: string) => Promise<void>,
    ): Promise<void> {
      const { customer } = current();
      const [connection] = await connections(provider);
      const available = async () =>
        (
          await server().ok(
            SlotsDocument,
            { serviceId: service.id, from: slots[0].startsAt, to: slots[2].endsAt },
            customer.token,
          )
        ).slots.map((slot) => slot.available);
      expect(await available()).toEqual([1, 1, 1]);
      const client = liveClient(server().url);
      const live = await subscribed(
        server(),
        1,
        () => new Subscription(client, AvailabilityChangedDocument, { serviceIds: [service.id] }),
      );
      await server().ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: true }, provider.token);
      await jobsSettled(server(), ['calendar_busy']);
      expect(await available()).toEqual([1, 0, 1]);
      await whileClosed(connection.id);
      // Open calendars hear of it: the busy slot closed (and, below, reopened), no other.
      const [closed] = await live.waitFor(1);
      expect(closed.data!.availabilityChanged).toMatchObject({
        reason: 'CLOSED',
        slot: { id: slots[1].id, available: 0 },
      });
      expect(
        codes(
          await server().request(
            BookDocument,
            { input: { slotIds: [slots[1].id], party: { adults: 1 } } },
            customer.token,
          ),
        ),
      ).toEqual(['SLOT_UNAVAILABLE']);

      await server().ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: false }, provider.token);
      expect(await available()).toEqual([1, 1, 1]);
      const results = await live.waitFor(2);
      expect(results[1].data!.availabilityChanged).toMatchObject({
        reason: 'OPENED',
        slot: { id: slots[1].id, available: 1 },
      });
      live.stop();
      await client.dispose();
      expect(live.results).toHaveLength(2);
      await book(slots[1].id);
    },
  };
}

/** On a server without calendar settings, a provider's `connect` call is refused with CALENDARS_NOT_CONFIGURED; `more` checks more there. */
export async function expectNotConfigured(
  connect: (server: TestServer, provider: Account) => Promise<GraphQLResult<unknown>>,
  more: (server: TestServer, provider: Account) => Promise<void> = async () => {},
): Promise<void> {
  const plain = await startTestServer();
  try {
    const provider = await signUp(plain, 'PROVIDER');
    expect(codes(await connect(plain, provider))).toEqual(['CALENDARS_NOT_CONFIGURED']);
    await more(plain, provider);
  } finally {
    await plain.stop();
  }
}
