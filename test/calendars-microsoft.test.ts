import ICAL from 'ical.js';
import {
  CancelBookingDocument,
  ConnectMicrosoftCalendarDocument,
  CreateServiceDocument,
  DisconnectCalendarDocument,
  ModifyBookingDocument,
  ResyncCalendarDocument,
  SetCalendarBlockingDocument,
  SlotsDocument,
} from '../client/generated/graphql';
import { MICROSOFT_DEFAULTS } from '../src/integrations/microsoft/microsoft-auth';
import { EVENT_KEY_PROPERTY } from '../src/integrations/microsoft/microsoft-graph';
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
import { type FakeCalendar, FakeMicrosoft } from './support/fake-microsoft';
import { dailySlots, daysFromNow, jobsSettled, SERVICE, signUp, storedMails, type Account } from './support/fixtures';
import { codes, type TestServer } from './support/server';

const REDIRECT = 'http://localhost:4000/oauth/microsoft/callback';
const APP = {
  clientId: '3f1c2a4b-0000-4000-8000-00000000c11e',
  clientSecret: 'entra-secret',
  redirectUris: [REDIRECT],
};

let microsoft: FakeMicrosoft;
let google: FakeGoogle;
let server: TestServer;
let customer: Account;

beforeAll(async () => {
  microsoft = await FakeMicrosoft.start(APP);
  google = await FakeGoogle.start();
  ({ server, customer } = await startCalendarServer({
    google: googleSettings(google),
    microsoft: {
      ...MICROSOFT_DEFAULTS,
      clientId: APP.clientId,
      clientSecret: APP.clientSecret,
      loginUrl: microsoft.loginUrl,
      graphUrl: microsoft.graphUrl,
      timeoutMs: 1_500,
      teams: true,
      maxRetryWaitSeconds: 2,
      tokenKey: 'calendar-key-one',
    },
  }));
});
afterAll(async () => {
  await server.stop();
  await microsoft.stop();
  await google.stop();
});
afterEach(() => {
  microsoft.fault = undefined;
  google.fault = undefined;
});

const steps = calendarSteps(() => ({ server, customer }));
const { local, settle, connections, book, syncs, providerWithSlots } = steps;

/** The provider's browser opens the start link `connectMicrosoftCalendar` answers: Microsoft's authorize URL it is sent to. */
async function startLink(provider: Account): Promise<string> {
  const { connectMicrosoftCalendar: start } = await server.ok(ConnectMicrosoftCalendarDocument, {}, provider.token);
  expect(start).toMatch(/^http:\/\/localhost:4000\/oauth\/microsoft\/start\?ticket=[A-Za-z0-9_-]{43}$/);
  return start;
}

const startConsent = async (provider: Account, browser: CookieJar) =>
  openStartLink(server, browser, await startLink(provider));

/** Goes through the consent as a browser would: the start link, Microsoft's sign-in, its redirect to the callback. */
const connect = async (provider: Account, email: string) =>
  connectInBrowser(server, await startLink(provider), (consent) => microsoft.consent(consent.toString(), email));

async function connectGoogle(provider: Account, email: string) {
  expect((await connectGoogleAccount(server, google, provider, email)).response.status).toBe(200);
}

async function connectedProvider(name: string, email: string) {
  microsoft.addAccount(email);
  const made = await providerWithSlots(name);
  const { response, html } = await connect(made.provider, email);
  if (response.status !== 200) throw new Error(html);
  await settle();
  return { ...made, calendar: microsoft.calendarNamed(email, `${name} bookings`)! };
}

/** The events of a calendar by our key (the extended property), with their times. */
const eventsOf = (calendar: FakeCalendar) =>
  [...calendar.events.values()]
    .map((event) => ({
      key: event.properties.get(EVENT_KEY_PROPERTY) ?? null,
      start: event.start.toISOString(),
      end: event.end.toISOString(),
      joinUrl: event.joinUrl,
      body: event.body,
    }))
    .sort((a, b) => String(a.key).localeCompare(String(b.key)));

describe('Microsoft 365 calendar', () => {
  it('connects through Microsoft sign-in (PKCE, browser-bound state): the dedicated calendar is made, the token cache sealed; reused or declined consents store nothing', async () => {
    microsoft.addAccount('paula@contoso.example', { displayName: 'Paula' });
    const { provider } = await providerWithSlots('Paula Provider');
    const { consent, browser, response, html } = await connect(provider, 'paula@contoso.example');
    expect(`${consent.origin}${consent.pathname}`).toBe(`${microsoft.loginUrl}/common/oauth2/v2.0/authorize`);
    expect(consent.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['Calendars.ReadWrite', 'OnlineMeetings.ReadWrite', 'offline_access']),
    );
    expect(response.status).toBe(200);
    expect(html).toContain('Microsoft 365 calendar connected');

    const [connection] = await connections(provider);
    const calendar = microsoft.calendarNamed('paula@contoso.example', 'Paula Provider bookings')!;
    expect(connection).toMatchObject({
      kind: 'microsoft',
      accountEmail: 'paula@contoso.example',
      status: 'ACTIVE',
      calendarId: calendar.id,
      sharedWith: [],
    });
    // The MSAL token cache is sealed: no refresh token Microsoft gave is readable in any column.
    const tokens = microsoft.refreshTokensOf('paula@contoso.example');
    expect(tokens.length).toBeGreaterThan(0);
    await expectStoredNowhere(server, tokens);
    const [stored] = await server.sql<{ refresh_token: string }>(
      'select refresh_token from calendar_connection where id = $1',
      [connection.id],
    );
    expect(stored.refresh_token).toMatch(/^gcm:/);

    // The same state again, a declined consent: a clear page, nothing more stored.
    const again = await browser.fetch(local(microsoft.consent(consent.toString(), 'paula@contoso.example')));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used');
    const declining = new CookieJar();
    const declined = await declining.fetch(
      local(microsoft.decline((await startConsent(provider, declining)).toString())),
    );
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain('declined');
    expect(await connections(provider)).toHaveLength(1);
  });

  it('keeps one event per booking through booking, moving and cancelling', async () => {
    const { provider, slots, calendar } = await connectedProvider('Sam Sync', 'sam@contoso.example');
    const booking = await book(slots[0].id);
    await settle();
    expect(eventsOf(calendar)).toEqual([
      expect.objectContaining({ key: `booking${booking.id}`, start: slots[0].startsAt, end: slots[0].endsAt }),
    ]);
    expect((await syncs(booking.id, provider)).calendarSyncs).toEqual([
      expect.objectContaining({
        status: 'SYNCED',
        externalEventId: `booking${booking.id}`,
        lastError: null,
        connection: expect.objectContaining({ kind: 'microsoft' }),
      }),
    ]);
    expect((await syncs(booking.id, customer)).calendarSyncs).toEqual([]);

    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [slots[1].id] } }, customer.token);
    await settle();
    expect(eventsOf(calendar)).toEqual([
      expect.objectContaining({ key: `booking${booking.id}`, start: slots[1].startsAt, end: slots[1].endsAt }),
    ]);

    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    await settle();
    expect(eventsOf(calendar)).toEqual([]);
    expect((await connections(provider))[0]).toMatchObject({ pendingSyncs: 0, lastError: null });
  });

  it('ends with exactly one event per booking through 429 and 503 with Retry-After, a create done but answered 503, a lost answer, Graph down and a hung call', async () => {
    const { provider, slots, calendar } = await connectedProvider('Fay Faults', 'fay@contoso.example');
    const [connection] = await connections(provider);
    const faults = [
      // Longer than the client waits itself: the job is tried again after Graph's Retry-After.
      { kind: '429', times: 1, retryAfter: 90 },
      // Still throttled after the client's own retries (1 + 3): the job waits Graph's second.
      { kind: '503', times: 4, retryAfter: 1 },
      // Created, then answered 503: resent by the client with the same transactionId, which Graph answers with the first event.
      { kind: '503', times: 1, done: true, match: /^POST .*\/events$/ },
      { kind: 'lose', times: 1, match: /^POST .*\/events$/ },
      { kind: 'down', times: 1 },
      { kind: 'hang', times: 1 },
    ] as const;
    const booked = [];
    for (const fault of faults) {
      microsoft.fault = { ...fault };
      const booking = await book(slots[booked.length].id);
      booked.push(booking);
      await jobsSettled(server, ['calendar_sync']);
      const [sync] = (await syncs(booking.id, provider)).calendarSyncs;
      if (fault.kind === '503' && 'done' in fault) expect(sync).toMatchObject({ status: 'SYNCED', attempts: 1 });
      else {
        expect(sync).toMatchObject({ status: 'RETRYING', attempts: 1, lastError: expect.any(String) });
        if ('retryAfter' in fault) {
          const wait = await jobWait(server, `calendar-sync:${booking.id}:${connection.id}`);
          expect(wait).toBeGreaterThan(fault.retryAfter - 2);
          expect(wait).toBeLessThanOrEqual(fault.retryAfter + 0.5);
        }
      }
      await settle();
    }
    await steps.expectInStep(
      provider,
      booked,
      eventsOf(calendar).map((event) => String(event.key)),
    );
  });

  it('resyncCalendar mends hand edits in Outlook and copies bookings made before the account was connected', async () => {
    microsoft.addAccount('rita@contoso.example');
    const { provider, slots } = await providerWithSlots('Rita Resync');
    const early = await book(slots[0].id);
    const moved = await book(slots[1].id);
    const removed = await book(slots[2].id);
    await connect(provider, 'rita@contoso.example');
    await settle();
    const calendar = microsoft.calendarNamed('rita@contoso.example', 'Rita Resync bookings')!;
    expect(eventsOf(calendar).map((event) => event.key)).toEqual(
      [early, moved, removed].map((b) => `booking${b.id}`).sort(),
    );
    expect((await syncs(early.id, provider)).calendarSyncs[0].status).toBe('SYNCED');

    // By hand in Outlook: one event moved, one deleted, one of a cancelled booking put back, one of the provider's own.
    const cancelled = await book(slots[3].id);
    await server.ok(CancelBookingDocument, { id: cancelled.id }, customer.token);
    await settle();
    const byKey = (key: string) =>
      [...calendar.events.values()].find((event) => event.properties.get(EVENT_KEY_PROPERTY) === key)!;
    byKey(`booking${moved.id}`).start = new Date(Date.parse(slots[1].startsAt) + 3_600_000);
    calendar.events.delete(byKey(`booking${removed.id}`).id);
    const stray = byKey(`booking${early.id}`);
    calendar.events.set('AAMkStray=', {
      ...stray,
      id: 'AAMkStray=',
      properties: new Map([[EVENT_KEY_PROPERTY, `booking${cancelled.id}`]]),
    });
    calendar.events.set('AAMkOwn=', { ...stray, id: 'AAMkOwn=', subject: 'Lunch', properties: new Map() });
    const putsBefore = microsoft.calls(/^(POST|PATCH) graph\/.*\/events/);

    const [connection] = await connections(provider);
    await server.ok(ResyncCalendarDocument, { id: connection.id }, provider.token);
    await settle();
    const keys = eventsOf(calendar).map((event) => event.key);
    expect(keys.filter((key) => key !== null)).toEqual([early, moved, removed].map((b) => `booking${b.id}`).sort());
    expect(keys.filter((key) => key === null)).toHaveLength(1); // the provider's own event stays
    expect(byKey(`booking${moved.id}`).start.toISOString()).toBe(slots[1].startsAt);
    expect(byKey(`booking${early.id}`).body).toContain(early.reference);
    // Only what differed was written: the moved event and the deleted one.
    expect(microsoft.calls(/^(POST|PATCH) graph\/.*\/events/) - putsBefore).toBe(2);

    // In step now: a second resync writes nothing.
    await server.ok(ResyncCalendarDocument, { id: connection.id }, provider.token);
    await settle();
    expect(microsoft.calls(/^(POST|PATCH) graph\/.*\/events/) - putsBefore).toBe(2);
  });

  it('invalid_grant: NEEDS_REAUTH, the syncs FAILED, one email; connecting again resumes in the same calendar', async () => {
    const { provider, slots, calendar } = await connectedProvider('Nina Reauth', 'nina@contoso.example');
    // The user revokes the app's consent; an hour later the access token has run out too.
    microsoft.revokeGrants('nina@contoso.example');
    microsoft.expireAccessTokens('nina@contoso.example');
    const { connection, first, mails } = await steps.bookIntoLostGrant(
      provider,
      slots,
      'Reconnect your Microsoft 365 calendar',
    );
    expect(mails[0].text).toContain('connectMicrosoftCalendar');

    await connect(provider, 'nina@contoso.example');
    await settle();
    const after = await connections(provider);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: connection.id, status: 'ACTIVE', calendarId: calendar.id, pendingSyncs: 0 });
    expect(eventsOf(calendar)).toHaveLength(3);
    expect((await syncs(first.id, provider)).calendarSyncs[0].status).toBe('SYNCED');
  });

  it('a dedicated calendar deleted in Outlook (404): its syncs FAILED; connecting again makes a new one with every live booking', async () => {
    const { provider, slots, calendar } = await connectedProvider('Dora Deleted', 'dora@contoso.example');
    const first = await book(slots[0].id);
    await settle();
    microsoft.deleteCalendar('dora@contoso.example', calendar.id);
    const second = await book(slots[1].id);
    await settle();
    expect((await syncs(second.id, provider)).calendarSyncs[0]).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringContaining('no longer exists'),
    });

    await connect(provider, 'dora@contoso.example');
    await settle();
    const made = microsoft.calendarNamed('dora@contoso.example', 'Dora Deleted bookings')!;
    expect(made.id).not.toBe(calendar.id);
    expect((await connections(provider))[0]).toMatchObject({ status: 'ACTIVE', calendarId: made.id });
    expect(eventsOf(made).map((event) => event.key)).toEqual([first, second].map((b) => `booking${b.id}`).sort());
    for (const booking of [first, second])
      expect((await syncs(booking.id, provider)).calendarSyncs[0].status).toBe('SYNCED');
  });

  it("busy times of the account's main calendar (getSchedule, windows under 62 days) close overlapping slots until blocking is turned off", async () => {
    const made = await connectedProvider('Bea Busy', 'bea@contoso.example');
    const { provider, slots } = made;
    microsoft.addEvent('bea@contoso.example', new Date(slots[1].startsAt), new Date(slots[1].endsAt));
    microsoft.addEvent('bea@contoso.example', new Date(slots[2].startsAt), new Date(slots[2].endsAt), 'free');
    const asked = microsoft.calls(/^POST graph\/v1\.0\/me\/calendar\/getSchedule$/);
    await steps.expectBlockingRoundTrip(made, async () => {
      // From now to the service's advanceDays (365) and a day, in windows of 61 days.
      expect(microsoft.calls(/^POST graph\/v1\.0\/me\/calendar\/getSchedule$/) - asked).toBe(6);
      expect((await connections(provider))[0]).toMatchObject({
        busyTimesFailing: false,
        busyTimesReadAt: expect.any(String),
      });
    });
  });

  it('a personal account: busy times through calendarView of its main calendar', async () => {
    microsoft.addAccount('pete@outlook.example', { personal: true });
    const { provider, service, slots } = await providerWithSlots('Pete Personal');
    await connect(provider, 'pete@outlook.example');
    await settle();
    microsoft.addEvent('pete@outlook.example', new Date(slots[0].startsAt), new Date(slots[0].endsAt));
    const [connection] = await connections(provider);
    const schedules = microsoft.calls(/getSchedule/);
    const views = microsoft.calls(/^GET graph\/v1\.0\/me\/calendar\/calendarView$/);
    await server.ok(SetCalendarBlockingDocument, { id: connection.id, blocksAvailability: true }, provider.token);
    await jobsSettled(server, ['calendar_busy']);
    const { slots: now } = await server.ok(SlotsDocument, {
      serviceId: service.id,
      from: slots[0].startsAt,
      to: slots[1].endsAt,
    });
    expect(now.map((slot) => slot.available)).toEqual([0, 1]);
    expect(microsoft.calls(/getSchedule/)).toBe(schedules); // which Graph refuses for personal accounts
    expect(microsoft.calls(/^GET graph\/v1\.0\/me\/calendar\/calendarView$/)).toBeGreaterThan(views);
    expect((await connections(provider))[0]).toMatchObject({ busyTimesFailing: false, busyTimesError: null });
  });

  it('MICROSOFT_TEAMS needs a connected Microsoft account; a booking gets the Teams link on itself, in "Your meeting link" and as the invite\'s LOCATION', async () => {
    microsoft.addAccount('tess@contoso.example');
    const provider = await signUp(server, 'PROVIDER', 'Tess Teams');
    const teamsInput = { input: { ...SERVICE, capacity: 1, meetingProvider: 'MICROSOFT_TEAMS' as const } };
    const refused = await server.request(CreateServiceDocument, teamsInput, provider.token);
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0].extensions.field).toBe('meetingProvider');

    await connect(provider, 'tess@contoso.example');
    await settle();
    const { createService: service } = await server.ok(CreateServiceDocument, teamsInput, provider.token);
    const slots = await dailySlots(server, provider, service.id, daysFromNow(3), daysFromNow(4));
    const booking = await book(slots[0].id);
    await settle();
    const calendar = microsoft.calendarNamed('tess@contoso.example', 'Tess Teams bookings')!;
    const [event] = [...calendar.events.values()];
    expect(event).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
    const { meetingUrl } = await syncs(booking.id, customer);
    expect(meetingUrl).toBe(event.joinUrl);
    expect(meetingUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    for (const who of [customer, provider]) {
      const linked = (await storedMails(server, who.email)).filter(
        (mail) => mail.subject.startsWith('Your meeting link') && mail.subject.includes(booking.reference),
      );
      expect(linked).toHaveLength(1);
      expect(linked[0].text).toContain(meetingUrl!);
    }
    const [invite] = await server.sql<{ calendar: string }>(
      `select calendar from message where "to" = $1 and subject like 'Your meeting link%' and subject like $2`,
      [customer.email, `%${booking.reference}%`],
    );
    const vevent = new ICAL.Event(new ICAL.Component(ICAL.parse(invite.calendar)).getFirstSubcomponent('vevent')!);
    expect(vevent.location).toBe(meetingUrl);
    // The link was written once, by the event that made it: the link arriving wrote nothing more to Outlook.
    expect((await syncs(booking.id, provider)).calendarSyncs[0]).toMatchObject({ status: 'SYNCED', attempts: 1 });

    // Moved, the meeting keeps its link.
    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [slots[1].id] } }, customer.token);
    await settle();
    expect([...calendar.events.values()].map((each) => each.joinUrl)).toEqual([meetingUrl]);
    expect((await syncs(booking.id, customer)).meetingUrl).toBe(meetingUrl);
  });

  it('a Google and a Microsoft account side by side: each in step, the booking shows both, the Teams link written into Google', async () => {
    microsoft.addAccount('gail@contoso.example');
    const provider = await signUp(server, 'PROVIDER', 'Gail Both');
    await connectGoogle(provider, 'gail@gmail.test');
    await connect(provider, 'gail@contoso.example');
    await settle();
    const { createService: service } = await server.ok(
      CreateServiceDocument,
      { input: { ...SERVICE, capacity: 1, meetingProvider: 'MICROSOFT_TEAMS' } },
      provider.token,
    );
    const slots = await dailySlots(server, provider, service.id, daysFromNow(3), daysFromNow(4));
    const booking = await book(slots[0].id);
    await settle();
    const view = await syncs(booking.id, provider);
    expect(view.calendarSyncs.map((sync) => [sync.connection.kind, sync.status]).sort()).toEqual([
      ['google', 'SYNCED'],
      ['microsoft', 'SYNCED'],
    ]);
    const outlook = microsoft.calendarNamed('gail@contoso.example', 'Gail Both bookings')!;
    const [gcal] = google.dedicated('gail@gmail.test');
    expect(eventsOf(outlook).map((event) => event.start)).toEqual([slots[0].startsAt]);
    const [gevent] = google.live(gcal);
    expect(gevent).toMatchObject({ id: `booking${booking.id}` });
    expect(view.meetingUrl).toBe(eventsOf(outlook)[0].joinUrl);
    expect(gevent.description).toContain(`Meeting: ${view.meetingUrl}`);
    expect(gevent.conferenceData).toBeUndefined(); // no Meet for a Teams booking

    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    await settle();
    expect(eventsOf(outlook)).toEqual([]);
    expect(google.live(gcal)).toEqual([]);

    // Disconnecting the Microsoft account forgets its tokens; Google goes on.
    const microsoftConnection = (await connections(provider)).find((c) => c.kind === 'microsoft')!;
    await server.ok(DisconnectCalendarDocument, { id: microsoftConnection.id }, provider.token);
    await settle();
    const [stored] = await server.sql<{ refresh_token: string | null }>(
      'select refresh_token from calendar_connection where id = $1',
      [microsoftConnection.id],
    );
    expect(stored.refresh_token).toBeNull();
    const later = await book(slots[1].id);
    await settle();
    expect((await syncs(later.id, provider)).calendarSyncs.map((sync) => sync.connection.kind)).toEqual(['google']);
    expect(eventsOf(outlook)).toEqual([]);
  });
});

describe('Microsoft 365 without settings', () => {
  it('answers CALENDARS_NOT_CONFIGURED and refuses MICROSOFT_TEAMS', async () => {
    await expectNotConfigured(
      (plain, provider) => plain.request(ConnectMicrosoftCalendarDocument, {}, provider.token),
      async (plain, provider) => {
        const refused = await plain.request(
          CreateServiceDocument,
          { input: { ...SERVICE, meetingProvider: 'MICROSOFT_TEAMS' } },
          provider.token,
        );
        expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      },
    );
  });
});
