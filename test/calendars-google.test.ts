import {
  CancelBookingDocument,
  ConnectCalendarDocument,
  ConnectGoogleCalendarDocument,
  CreateSlotDocument,
  DisconnectCalendarDocument,
  ModifyBookingDocument,
  MyCalendarConnectionsDocument,
  ResyncCalendarDocument,
  SetCalendarBlockingDocument,
  SlotsDocument,
  AvailabilityChangedDocument,
} from '../client/generated/graphql';
import {
  type createService,
  expectMonthAsSlots,
  jobsSettled,
  logInAdmin,
  runJobsNow,
  signUp,
  storedMails,
  type Account,
} from './support/fixtures';
import { CookieJar } from './support/cookie-jar';
import {
  calendarSteps,
  connectGoogleAccount,
  connectInBrowser,
  expectNotConfigured,
  expectStoredNowhere,
  googleSettings,
  jobWait,
  openStartLink,
  startCalendarServer,
} from './support/calendars';
import { FakeGoogle } from './support/fake-google';
import { eventually, liveClient, Subscription, subscribed } from './support/live';
import { codes, type TestServer } from './support/server';

let google: FakeGoogle;
let server: TestServer;
let customer: Account;

beforeAll(async () => {
  google = await FakeGoogle.start();
  ({ server, customer } = await startCalendarServer({ google: googleSettings(google) }));
});
afterAll(async () => {
  await server.stop();
  await google.stop();
});
afterEach(() => {
  google.fault = undefined;
  google.freeBusyMaxDays = 60;
});

const steps = calendarSteps(() => ({ server, customer }));
const { local, settle, connections, book, syncs, providerWithSlots } = steps;

/** The provider's browser opens the start link `connectGoogleCalendar` answers: the consent URL it is sent to. */
async function startConsent(provider: Account, browser: CookieJar): Promise<URL> {
  const { connectGoogleCalendar: start } = await server.ok(ConnectGoogleCalendarDocument, {}, provider.token);
  return openStartLink(server, browser, start);
}

/** Goes through the consent as a browser would: the start link, Google's consent page, Google's redirect to the callback. */
async function connect(provider: Account, email: string) {
  const connected = await connectGoogleAccount(server, google, provider, email);
  return { ...connected, state: connected.consent.searchParams.get('state')! };
}

/** A provider with slots whose Google account is connected, its first jobs run. */
async function connectedProvider(name: string, email: string, input: Parameters<typeof createService>[2] = {}) {
  const made = await providerWithSlots(name, input);
  await connect(made.provider, email);
  await settle();
  return made;
}

describe('Google Calendar', () => {
  it('connects through the consent page: the dedicated calendar is made and shared; a reused, forged or declined state stores nothing', async () => {
    const { provider } = await providerWithSlots('Paula Provider');
    const { consent, state, browser, response, html } = await connect(provider, 'paula.work@gmail.test');
    expect(consent.origin + consent.pathname).toBe(`${google.url}/o/oauth2/v2/auth`);
    expect(consent.searchParams.get('access_type')).toBe('offline');
    expect(consent.searchParams.get('prompt')).toBe('consent');
    expect(consent.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/calendar');
    expect(consent.searchParams.get('redirect_uri')).toBe('http://localhost:4000/oauth/google/callback');
    expect(state.length).toBeGreaterThanOrEqual(40);
    if (response.status !== 200) throw new Error(html);
    expect(html).toContain('Google Calendar connected');

    const [connection] = await connections(provider);
    expect(connection).toMatchObject({
      kind: 'google',
      accountEmail: 'paula.work@gmail.test',
      status: 'ACTIVE',
      blocksAvailability: false,
      sharedWith: [provider.email],
    });
    const [calendar] = google.dedicated('paula.work@gmail.test');
    expect(calendar).toMatchObject({ id: connection.calendarId, summary: 'Paula Provider bookings' });
    expect(calendar.acl).toEqual([{ role: 'writer', scope: { type: 'user', value: provider.email } }]);

    // The same state again, a forged one, a declined consent: a clear page, nothing stored.
    const again = await browser.fetch(local(google.approve(consent, 'other@gmail.test')));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used');
    const forged = await browser.fetch(
      local(
        `http://localhost/oauth/google/callback?code=${encodeURIComponent(new URL(google.approve(consent, 'other@gmail.test')).searchParams.get('code')!)}&state=forged-state`,
      ),
    );
    expect(forged.status).toBe(400);
    const declining = new CookieJar();
    const declined = await declining.fetch(local(google.deny(await startConsent(provider, declining))));
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain('declined');
    expect(await connections(provider)).toHaveLength(1);
    expect(google.dedicated('other@gmail.test')).toHaveLength(0);
  });

  it("connectCalendar(kind) starts the same consent as the service's own mutation; a kind the server lacks is CALENDARS_NOT_CONFIGURED", async () => {
    const { provider } = await providerWithSlots('Kim Kind');
    const { connectCalendar: start } = await server.ok(ConnectCalendarDocument, { kind: 'google' }, provider.token);
    expect(start).toMatch(/^http:\/\/localhost:4000\/oauth\/google\/start\?ticket=[A-Za-z0-9_-]{43}$/);
    const { response, html } = await connectInBrowser(server, start, (consent) =>
      google.approve(consent, 'kim@gmail.test'),
    );
    expect(response.status).toBe(200);
    expect(html).toContain('Google Calendar connected');
    expect(await connections(provider)).toEqual([
      expect.objectContaining({ kind: 'google', accountEmail: 'kim@gmail.test', status: 'ACTIVE' }),
    ]);
    expect(codes(await server.request(ConnectCalendarDocument, { kind: 'apple' }, provider.token))).toEqual([
      'CALENDARS_NOT_CONFIGURED',
    ]);
  });

  it('keeps one event per booking through booking, moving and cancelling; the customer sees no syncs', async () => {
    const { provider, slots } = await connectedProvider('Sam Sync', 'sam@gmail.test');
    const booking = await book(slots[0].id);
    await settle();
    const [calendar] = google.dedicated('sam@gmail.test');
    expect(google.live(calendar)).toEqual([
      expect.objectContaining({
        id: `booking${booking.id}`,
        start: expect.objectContaining({ dateTime: slots[0].startsAt }),
      }),
    ]);
    const view = await syncs(booking.id, provider);
    expect(view.calendarSyncs).toEqual([
      expect.objectContaining({ status: 'SYNCED', externalEventId: `booking${booking.id}`, lastError: null }),
    ]);
    expect((await syncs(booking.id, customer)).calendarSyncs).toEqual([]);

    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [slots[1].id] } }, customer.token);
    await settle();
    expect(google.live(calendar)).toEqual([
      expect.objectContaining({
        id: `booking${booking.id}`,
        start: expect.objectContaining({ dateTime: slots[1].startsAt }),
      }),
    ]);

    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    await settle();
    expect(google.live(calendar)).toEqual([]);
    expect((await connections(provider))[0]).toMatchObject({
      pendingSyncs: 0,
      lastSyncedAt: expect.any(String),
      lastError: null,
    });
  });

  it('ends with exactly one event per live booking through Google down, 500s, 429s, 403 rate limits, a lost answer and a hung call', async () => {
    const { provider, slots } = await connectedProvider('Fay Faults', 'fay@gmail.test');
    const [calendar] = google.dedicated('fay@gmail.test');
    const booked = [];
    for (const [index, kind] of (
      ['down', '500', '429', '403-rate', '403-user-rate', 'lose', 'hang'] as const
    ).entries()) {
      google.fault = { kind, times: 1, ...(kind === '429' ? { retryAfter: 2 } : {}) };
      const booking = await book(slots[index].id);
      booked.push(booking);
      await jobsSettled(server, ['calendar_sync']);
      if (kind !== 'lose') {
        const [sync] = (await syncs(booking.id, provider)).calendarSyncs;
        // The try failed: RETRYING, with when the next one is due.
        expect(sync).toMatchObject({
          status: 'RETRYING',
          attempts: 1,
          lastError: expect.any(String),
          nextAttemptAt: expect.any(String),
        });
        expect(Date.parse(sync.nextAttemptAt!)).toBeGreaterThan(Date.now() - 1_000);
      }
      if (kind === '429' || kind.startsWith('403')) {
        // Google's Retry-After (2 s) decides when the next try comes; without one, exponential backoff (5 s first).
        const wait = await jobWait(server, `calendar-sync:${booking.id}:${(await connections(provider))[0].id}`);
        expect(wait).toBeGreaterThan(kind === '429' ? 0.5 : 3);
        expect(wait).toBeLessThanOrEqual(kind === '429' ? 2.5 : 5.5);
      }
      await settle();
    }
    await steps.expectInStep(
      provider,
      booked,
      google
        .live(calendar)
        .map((event) => event.id)
        .sort(),
    );
  });

  it('resyncCalendar mends hand edits and copies bookings made before the account was connected', async () => {
    const { provider, slots } = await providerWithSlots('Rita Resync');
    const early = await book(slots[0].id);
    const moved = await book(slots[1].id);
    const removed = await book(slots[2].id);
    await connect(provider, 'rita@gmail.test');
    await settle();
    const [calendar] = google.dedicated('rita@gmail.test');
    expect(
      google
        .live(calendar)
        .map((event) => event.id)
        .sort(),
    ).toEqual([early, moved, removed].map((b) => `booking${b.id}`).sort());
    expect((await syncs(early.id, provider)).calendarSyncs[0].status).toBe('SYNCED');

    // By hand in Google: one event moved, one deleted, one of a cancelled booking put back.
    const cancelled = await book(slots[3].id);
    await server.ok(CancelBookingDocument, { id: cancelled.id }, customer.token);
    await settle();
    calendar.events.get(`booking${moved.id}`)!.start = { dateTime: '2030-01-01T10:00:00.000Z' };
    calendar.events.get(`booking${removed.id}`)!.status = 'cancelled';
    calendar.events.set(`booking${cancelled.id}`, {
      id: `booking${cancelled.id}`,
      status: 'confirmed',
      end: { dateTime: slots[3].endsAt },
    });
    const [connection] = await connections(provider);
    await server.ok(ResyncCalendarDocument, { id: connection.id }, provider.token);
    await settle();
    const live = google.live(calendar);
    expect(live.map((event) => event.id).sort()).toEqual([early, moved, removed].map((b) => `booking${b.id}`).sort());
    expect(live.find((event) => event.id === `booking${moved.id}`)!.start!.dateTime).toBe(slots[1].startsAt);
  });

  it('invalid_grant: NEEDS_REAUTH, the syncs FAILED, one email; connecting again resumes the sync', async () => {
    const { provider, slots } = await connectedProvider('Nina Reauth', 'nina@gmail.test');
    google.revokeAll('nina@gmail.test');
    const { connection, first } = await steps.bookIntoLostGrant(provider, slots, 'Reconnect your Google Calendar');

    await connect(provider, 'nina@gmail.test');
    await settle();
    const after = await connections(provider);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: connection.id,
      status: 'ACTIVE',
      calendarId: connection.calendarId,
      pendingSyncs: 0,
    });
    expect(google.live(google.dedicated('nina@gmail.test')[0])).toHaveLength(3);
    expect((await syncs(first.id, provider)).calendarSyncs[0].status).toBe('SYNCED');
  });

  it('connecting again after the dedicated calendar was deleted in Google makes a new one with every live booking', async () => {
    const { provider, slots } = await connectedProvider('Dora Deleted', 'dora@gmail.test');
    const first = await book(slots[0].id);
    await settle();
    const [old] = google.dedicated('dora@gmail.test');
    google.calendars.delete(old.id); // the owner deleted it in Google
    const second = await book(slots[1].id);
    await settle();
    expect((await syncs(second.id, provider)).calendarSyncs[0]).toMatchObject({ status: 'FAILED' });

    await connect(provider, 'dora@gmail.test');
    await settle();
    const [connection] = await connections(provider);
    const [made] = google.dedicated('dora@gmail.test');
    expect(connection).toMatchObject({ status: 'ACTIVE', calendarId: made.id });
    expect(made.id).not.toBe(old.id);
    expect(made.acl.map((rule) => rule.scope.value)).toEqual([provider.email]);
    expect(google.live(made)).toHaveLength(2);
    for (const booking of [first, second])
      expect((await syncs(booking.id, provider)).calendarSyncs[0].status).toBe('SYNCED');
  });

  it('keeps two accounts in step; disconnecting one revokes its grant and stops every call for it', async () => {
    const { provider, slots } = await providerWithSlots('Tom Two');
    await connect(provider, 'tom.home@gmail.test');
    await connect(provider, 'tom.work@gmail.test');
    await settle();
    const booking = await book(slots[0].id);
    await settle();
    const [home, work] = await connections(provider);
    expect(
      (await syncs(booking.id, provider)).calendarSyncs.map((sync) => sync.connection.accountEmail).sort(),
    ).toEqual(['tom.home@gmail.test', 'tom.work@gmail.test']);
    expect(google.live(google.dedicated('tom.home@gmail.test')[0])).toHaveLength(1);
    expect(google.live(google.dedicated('tom.work@gmail.test')[0])).toHaveLength(1);

    expect((await server.ok(DisconnectCalendarDocument, { id: work.id }, provider.token)).disconnectCalendar).toBe(
      true,
    );
    await settle();
    const [token] = google.tokensOf('tom.work@gmail.test');
    expect(google.revoked.has(token)).toBe(true);
    const [stored] = await server.sql<{ refresh_token: string | null }>(
      'select refresh_token from calendar_connection where id = $1',
      [work.id],
    );
    expect(stored.refresh_token).toBeNull();
    const callsBefore = google.requests.length;
    const later = await book(slots[1].id);
    await settle();
    expect(google.live(google.dedicated('tom.home@gmail.test')[0])).toHaveLength(2);
    expect(google.live(google.dedicated('tom.work@gmail.test')[0])).toHaveLength(1);
    expect((await syncs(later.id, provider)).calendarSyncs.map((sync) => sync.connection.id)).toEqual([home.id]);
    expect(google.calls(/calendars\/[^/]*work/)).toBe(0);
    expect(google.requests.length).toBeGreaterThan(callsBefore); // the home account's calls
    expect((await connections(provider)).map((c) => c.status)).toEqual(['ACTIVE', 'DISCONNECTED']);
  });

  it("busy times of the account's other calendars close overlapping slots until blocking is turned off", async () => {
    const made = await connectedProvider('Bea Busy', 'bea@gmail.test');
    const { service, slots } = made;
    google.calendars.get('bea@gmail.test')!.busy = [{ start: slots[1].startsAt, end: slots[1].endsAt }];
    await steps.expectBlockingRoundTrip(made, async (connectionId) => {
      await expectMonthAsSlots(server, service.id, slots[1].startsAt.slice(0, 7), customer.token);
      // The next refresh is queued a few minutes ahead.
      expect(await jobWait(server, `calendar-busy:${connectionId}`)).toBeGreaterThan(200);
    });
  });

  it('a lost grant reopens the slots its busy times closed, and open calendars hear of it', async () => {
    const { provider, service, slots } = await connectedProvider('Lena Lost', 'lena@gmail.test');
    google.calendars.get('lena@gmail.test')!.busy = [{ start: slots[1].startsAt, end: slots[1].endsAt }];
    const [connection] = await connections(provider);
    await server.ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: true }, provider.token);
    await jobsSettled(server, ['calendar_busy']);
    const available = async () =>
      (await server.ok(SlotsDocument, { serviceId: service.id, from: slots[1].startsAt, to: slots[1].endsAt })).slots[0]
        .available;
    expect(await available()).toBe(0);
    const client = liveClient(server.url);
    const live = await subscribed(
      server,
      1,
      () => new Subscription(client, AvailabilityChangedDocument, { serviceIds: [service.id] }),
    );
    google.revokeAll('lena@gmail.test');
    await book(slots[0].id); // its calendar sync meets the refused grant
    await settle();
    expect((await connections(provider))[0].status).toBe('NEEDS_REAUTH');
    expect(await available()).toBe(1);
    await eventually(async () =>
      live.results.some((result) => result.data?.availabilityChanged.slot.id === slots[1].id),
    );
    expect(
      live.results
        .filter((result) => result.data?.availabilityChanged.slot.id === slots[1].id)
        .map((result) => result.data!.availabilityChanged),
    ).toEqual([expect.objectContaining({ reason: 'OPENED', slot: expect.objectContaining({ available: 1 }) })]);
    live.stop();
    await client.dispose();
  });

  it('stores a Meet link from the event of a GOOGLE_MEET service on the booking', async () => {
    const { provider, slots } = await connectedProvider('Mia Meet', 'mia@gmail.test', {
      meetingProvider: 'GOOGLE_MEET',
    });
    const booking = await book(slots[0].id);
    expect(booking.status).toBe('CONFIRMED');
    await settle();
    const { meetingUrl } = await syncs(booking.id, customer);
    expect(meetingUrl).toMatch(/^https:\/\/meet\.google\.com\//);
    // Both sides are sent the link, as with Zoom.
    for (const who of [customer, provider]) {
      const linked = (await storedMails(server, who.email)).filter((mail) =>
        mail.subject.startsWith('Your meeting link'),
      );
      expect(linked).toHaveLength(1);
      expect(linked[0].text).toContain(meetingUrl!);
    }
  });

  it('keeps refresh tokens unreadable in every table, and one provider cannot see or touch another one’s connection', async () => {
    const { provider } = await providerWithSlots('Olga Owner');
    await connect(provider, 'olga@gmail.test');
    const tokens = google.tokensOf('olga@gmail.test');
    await expectStoredNowhere(server, tokens);
    const [stored] = await server.sql<{ refresh_token: string }>(
      `select refresh_token from calendar_connection where account_email = 'olga@gmail.test'`,
    );
    expect(stored.refresh_token).toMatch(/^gcm:/);

    const [connection] = await connections(provider);
    const intruder = await signUp(server, 'PROVIDER', 'Ivan Intruder');
    expect(await connections(intruder)).toEqual([]);
    expect(codes(await server.request(DisconnectCalendarDocument, { id: connection.id }, intruder.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      codes(
        await server.request(
          SetCalendarBlockingDocument,
          { id: connection.id, blocksAvailability: true },
          intruder.token,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await server.request(ResyncCalendarDocument, { id: connection.id }, intruder.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(ResyncCalendarDocument, { id: '999999' }, intruder.token))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await server.request(MyCalendarConnectionsDocument, {}, customer.token))).toEqual(['FORBIDDEN']);
    expect((await connections(provider))[0].status).toBe('ACTIVE');
    const admin = await logInAdmin(server);
    expect(admin.token).toBeTruthy();
  });
  it('asks free/busy in windows Google takes (at most 60 days) as far ahead as bookings go, so a busy time 100 days ahead closes its slot', async () => {
    const { provider, service } = await connectedProvider('Wes Windows', 'wes@gmail.test');
    const far = new Date(Date.now() + 100 * 86_400_000);
    far.setUTCHours(9, 0, 0, 0);
    const { createSlot: slot } = await server.ok(
      CreateSlotDocument,
      { serviceId: service.id, startsAt: far.toISOString(), endsAt: new Date(far.getTime() + 3_600_000).toISOString() },
      provider.token,
    );
    google.calendars.get('wes@gmail.test')!.busy = [{ start: slot.startsAt, end: slot.endsAt }];
    const [connection] = await connections(provider);
    const asked = google.freeBusyQueries.length;
    const before = Date.now();
    await server.ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: true }, provider.token);
    await jobsSettled(server, ['calendar_busy']);
    const available = async () =>
      (await server.ok(SlotsDocument, { serviceId: service.id, from: slot.startsAt, to: slot.endsAt })).slots[0]
        .available;
    expect(await available()).toBe(0);
    expect((await connections(provider))[0]).toMatchObject({
      busyTimesFailing: false,
      busyTimesError: null,
      busyTimesReadAt: expect.any(String),
    });
    // Windows of at most 60 days, one after the other, from now to the service's advanceDays (365) and a day.
    const windows = google.freeBusyQueries.slice(asked);
    for (const window of windows)
      expect(Date.parse(window.timeMax) - Date.parse(window.timeMin)).toBeLessThanOrEqual(60 * 86_400_000);
    for (const [index, window] of windows.slice(1).entries()) expect(window.timeMin).toBe(windows[index].timeMax);
    expect(Date.parse(windows[0].timeMin)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(windows.at(-1)!.timeMax) - Date.parse(windows[0].timeMin)).toBe(366 * 86_400_000);
    expect(windows).toHaveLength(7);
  });

  it('a connection whose busy times cannot be read says so, tells the provider once, and recovers when reads work again', async () => {
    const { provider, service, slots } = await connectedProvider('Fred Failing', 'fred@gmail.test');
    google.calendars.get('fred@gmail.test')!.busy = [{ start: slots[1].startsAt, end: slots[1].endsAt }];
    const [connection] = await connections(provider);
    const unreadable = async () =>
      (await storedMails(server, provider.email)).filter((mail) =>
        mail.subject.startsWith('Busy times of your Google Calendar cannot be read'),
      );
    const available = async () =>
      (await server.ok(SlotsDocument, { serviceId: service.id, from: slots[1].startsAt, to: slots[1].endsAt })).slots[0]
        .available;

    // Google fails for a while: the first failures are waited out with backoff; the third in a row counts.
    google.fault = { kind: '500', times: 100, only: /freeBusy/ };
    await server.ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: true }, provider.token);
    await jobsSettled(server, ['calendar_busy']);
    expect(await jobWait(server, `calendar-busy:${connection.id}`)).toBeGreaterThan(50); // a minute after the first failure, then doubling
    await runJobsNow(server, 'calendar_busy');
    expect((await connections(provider))[0]).toMatchObject({ status: 'ACTIVE', busyTimesFailing: false });
    expect(await unreadable()).toHaveLength(0);
    await runJobsNow(server, 'calendar_busy');
    expect((await connections(provider))[0]).toMatchObject({
      status: 'ACTIVE',
      busyTimesFailing: true,
      busyTimesError: expect.stringContaining('500'),
      lastError: expect.stringContaining('500'),
      busyTimesReadAt: null,
    });
    await runJobsNow(server, 'calendar_busy');
    const told = await unreadable();
    expect(told).toHaveLength(1); // once, however long it lasts
    expect(told[0].text).toContain('fred@gmail.test');
    expect(await available()).toBe(1);

    // Google answers again: the busy times are read, the slot closes, the flag clears.
    google.fault = undefined;
    await runJobsNow(server, 'calendar_busy');
    expect((await connections(provider))[0]).toMatchObject({
      busyTimesFailing: false,
      busyTimesError: null,
      lastError: null,
      busyTimesReadAt: expect.any(String),
    });
    expect(await available()).toBe(0);
    expect(await unreadable()).toHaveLength(1);
  });

  it('a refusal of the free/busy range (400 timeRangeTooLong) counts at once, and reads work again once Google takes the range', async () => {
    const { provider } = await connectedProvider('Tina Toolong', 'tina@gmail.test');
    const [connection] = await connections(provider);
    google.freeBusyMaxDays = 30; // Google now takes less than the server asks for
    await server.ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: true }, provider.token);
    await jobsSettled(server, ['calendar_busy']);
    expect((await connections(provider))[0]).toMatchObject({
      busyTimesFailing: true,
      busyTimesError: expect.stringContaining('timeRangeTooLong'),
    });
    expect(
      (await storedMails(server, provider.email)).filter((mail) => mail.subject.startsWith('Busy times')),
    ).toHaveLength(1);
    google.freeBusyMaxDays = 60;
    await runJobsNow(server, 'calendar_busy');
    expect((await connections(provider))[0]).toMatchObject({ busyTimesFailing: false, busyTimesError: null });
  });

  it('a Meet booking in two calendars: one write each, both SYNCED after one try, and the booking keeps the first Meet link', async () => {
    const { provider, slots } = await providerWithSlots('Gina Twomeet', { meetingProvider: 'GOOGLE_MEET' });
    await connect(provider, 'gina.one@gmail.test');
    await connect(provider, 'gina.two@gmail.test');
    await settle();
    const booking = await book(slots[0].id);
    await settle();
    const calendars = [...google.dedicated('gina.one@gmail.test'), ...google.dedicated('gina.two@gmail.test')];
    for (const calendar of calendars) {
      expect(google.calls(new RegExp(`^POST .*/calendars/${encodeURIComponent(calendar.id)}/events$`))).toBe(1);
      expect(google.calls(new RegExp(`^PUT .*/calendars/${encodeURIComponent(calendar.id)}/events/`))).toBe(0);
    }
    const view = await syncs(booking.id, provider);
    expect(view.calendarSyncs).toEqual([
      expect.objectContaining({ status: 'SYNCED', attempts: 1, nextAttemptAt: null }),
      expect.objectContaining({ status: 'SYNCED', attempts: 1, nextAttemptAt: null }),
    ]);
    const links = calendars.map((calendar) => google.live(calendar)[0].hangoutLink);
    expect(links).toContain(view.meetingUrl);
    const linked = (await storedMails(server, customer.email)).filter(
      (mail) => mail.subject.startsWith('Your meeting link') && mail.subject.includes(booking.reference),
    );
    expect(linked).toHaveLength(1);
  });

  it("counts an event already deleted by hand (Google's 410 deleted) as deleted when its booking is cancelled", async () => {
    const { provider, slots } = await connectedProvider('Hal Handdeleted', 'hal@gmail.test');
    const booking = await book(slots[0].id);
    await settle();
    const [calendar] = google.dedicated('hal@gmail.test');
    calendar.events.get(`booking${booking.id}`)!.status = 'cancelled'; // deleted in Google by hand
    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    await settle();
    expect((await syncs(booking.id, provider)).calendarSyncs[0]).toMatchObject({
      status: 'SYNCED',
      externalEventIds: [],
      lastError: null,
    });
    expect(google.calls(new RegExp(`^DELETE .*/events/booking${booking.id}$`))).toBe(1);
  });
});

describe('Google Calendar without settings', () => {
  it('answers CALENDARS_NOT_CONFIGURED', async () => {
    await expectNotConfigured(
      (plain, provider) => plain.request(ConnectGoogleCalendarDocument, {}, provider.token),
      async (plain, provider) =>
        expect(codes(await plain.request(ConnectCalendarDocument, { kind: 'google' }, provider.token))).toEqual([
          'CALENDARS_NOT_CONFIGURED',
        ]),
    );
  });
});
