import { CryptoProvider } from '@azure/msal-node';
import {
  MemoryTokenCache,
  MICROSOFT_DEFAULTS,
  type MicrosoftSettings,
} from '../src/integrations/microsoft/microsoft-auth';
import {
  EVENT_KEY_PROPERTY,
  MicrosoftClient,
  SCHEDULE_WINDOW_DAYS,
} from '../src/integrations/microsoft/microsoft-graph';
import { integrationFailure } from './support/integration-failure';
import { FakeMicrosoft, WORK_TENANT } from './support/fake-microsoft';

const APP = {
  clientId: '3f1c2a4b-0000-4000-8000-00000000c11e',
  clientSecret: 'entra-client-secret',
  redirectUris: ['https://bookings.example.test/oauth/microsoft/callback'],
};
const REDIRECT = APP.redirectUris[0];
const HOUR = 3_600_000;
const DAY = 86_400_000;

let fake: FakeMicrosoft;
let client: MicrosoftClient;

const settings = (more: Partial<MicrosoftSettings> = {}): MicrosoftSettings => ({
  ...MICROSOFT_DEFAULTS,
  clientId: APP.clientId,
  clientSecret: APP.clientSecret,
  loginUrl: fake.loginUrl,
  graphUrl: fake.graphUrl,
  timeoutMs: 5_000,
  teams: true,
  maxRetryWaitSeconds: 5,
  ...more,
});

/** A consent URL with a fresh PKCE pair, as the OAuth flow makes one: the URL and the verifier the callback redeems with. */
async function consentUrl(on: MicrosoftClient, state: string) {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  return { url: await on.consentUrl(REDIRECT, state, challenge), codeVerifier: verifier };
}

/** The whole connect flow: consent URL, the user consenting at the fake, the callback's code redeemed. */
async function connect(email: string, on = client) {
  const { url, codeVerifier } = await consentUrl(on, 'state-123');
  const callback = new URL(fake.consent(url, email));
  expect(callback.searchParams.get('state')).toBe('state-123');
  const { account, tokenCache } = await on.connect(callback.searchParams.get('code')!, codeVerifier, REDIRECT);
  const store = new MemoryTokenCache();
  store.value = tokenCache;
  return { account, store, graph: on.graph(store) };
}

const fields = (start: Date, more: { teams?: boolean; subject?: string } = {}) => ({
  subject: more.subject ?? 'Consultation (BK-1)',
  body: 'Booked through the booking server.',
  start,
  end: new Date(start.getTime() + HOUR),
  location: 'Via Roma 1',
  teams: more.teams ?? false,
});

beforeAll(async () => {
  fake = await FakeMicrosoft.start(APP);
  client = new MicrosoftClient(settings());
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.fault = undefined;
  fake.requests.length = 0;
  fake.pageLimit = 1000;
  fake.accounts.clear();
  fake.addAccount('ada@contoso.example', { displayName: 'Ada Lovelace' });
  fake.addAccount('bob@outlook.example', { personal: true, displayName: 'Bob' });
});

describe('connecting an account', () => {
  test('authorize URL with PKCE, code redeemed once, the account read from Graph', async () => {
    const { url, codeVerifier } = await consentUrl(client, 'state-123');
    const authorize = new URL(url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${fake.loginUrl}/common/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('prompt')).toBe('select_account');
    expect(authorize.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['User.Read', 'Calendars.ReadWrite', 'OnlineMeetings.ReadWrite', 'offline_access']),
    );
    const callback = new URL(fake.consent(url, 'ada@contoso.example'));
    const code = callback.searchParams.get('code')!;

    const { account, tokenCache } = await client.connect(code, codeVerifier, REDIRECT);
    expect(account).toMatchObject({
      email: 'ada@contoso.example',
      displayName: 'Ada Lovelace',
      tenantId: WORK_TENANT,
      personal: false,
    });
    expect(Object.keys(JSON.parse(tokenCache).RefreshToken)).toHaveLength(1);
    expect(fake.calls(/^GET graph\/v1\.0\/me$/)).toBe(1);

    // A code is good once (AADSTS54005): the second redemption is a refused grant.
    const again = await integrationFailure(client.connect(code, codeVerifier, REDIRECT));
    expect(again).toMatchObject({ kind: 'reconnect', code: 'invalid_grant' });
    expect(again.message).toContain('AADSTS54005');
  });

  test('a verifier that is not the one of the consent URL is refused (PKCE), as is a declined consent', async () => {
    const first = await consentUrl(client, 's1');
    const second = await consentUrl(client, 's2');
    const code = new URL(fake.consent(first.url, 'ada@contoso.example')).searchParams.get('code')!;
    const refused = await integrationFailure(client.connect(code, second.codeVerifier, REDIRECT));
    expect(refused).toMatchObject({ kind: 'reconnect', code: 'invalid_grant' });
    expect(refused.message).toContain('AADSTS501481');

    const declined = new URL(fake.decline(first.url));
    expect(declined.searchParams.get('error')).toBe('access_denied');
    expect(declined.searchParams.get('state')).toBe('s1');
  });

  test('a personal account: its address is the sign-in name (Graph has no mail for it)', async () => {
    const { account } = await connect('bob@outlook.example');
    expect(account).toMatchObject({ email: 'bob@outlook.example', personal: true });
  });

  test('an expired access token is renewed through the (rotating) refresh token; a revoked grant needs reconnecting', async () => {
    const { store, graph } = await connect('ada@contoso.example');
    const before = store.value!;
    fake.advance(2 * HOUR);
    expect((await graph.me()).email).toBe('ada@contoso.example');
    // MSAL still believed its token valid: Graph's 401 made it ask again, and the new cache was saved.
    expect(fake.calls(/^GET graph\/v1\.0\/me$/)).toBe(3);
    expect(store.value).not.toBe(before);
    expect(JSON.parse(store.value!).RefreshToken).not.toEqual(JSON.parse(before).RefreshToken);

    fake.revokeGrants('ada@contoso.example');
    fake.advance(2 * HOUR);
    const lost = await integrationFailure(graph.me());
    expect(lost).toMatchObject({ kind: 'reconnect', code: 'invalid_grant' });
    expect(lost.message).toContain('AADSTS50173');
  });

  test('a refresh token unused for 90 days has expired', async () => {
    const { graph } = await connect('ada@contoso.example');
    fake.advance(91 * DAY);
    const lost = await integrationFailure(graph.me());
    expect(lost).toMatchObject({ kind: 'reconnect', code: 'invalid_grant' });
    expect(lost.message).toContain('AADSTS700082');
  });
});

describe('the dedicated calendar and its events', () => {
  test('made once (a second create adopts it), gone once the user deletes it', async () => {
    const { graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    expect(fake.calendarNamed('ada@contoso.example', 'Ada bookings')?.id).toBe(calendar.id);
    expect(await graph.createCalendar('Ada bookings')).toEqual(calendar);
    expect(await graph.calendarExists(calendar.id)).toBe(true);

    fake.deleteCalendar('ada@contoso.example', calendar.id);
    expect(await graph.calendarExists(calendar.id)).toBe(false);
    const gone = await integrationFailure(graph.putEvent(calendar.id, 'booking-1', fields(new Date(Date.now() + DAY))));
    expect(gone).toMatchObject({ kind: 'gone', status: 404, code: 'ErrorItemNotFound' });
  });

  test('an event created, moved and cancelled by its key, each step safe to repeat', async () => {
    const { graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    const events = () => [...fake.calendarNamed('ada@contoso.example', 'Ada bookings')!.events.values()];
    const start = new Date(Date.UTC(2031, 2, 14, 9));

    const made = await graph.putEvent(calendar.id, 'booking-1', fields(start));
    expect(made).toMatchObject({ key: 'booking-1', start, subject: 'Consultation (BK-1)', joinUrl: null });
    expect(await graph.putEvent(calendar.id, 'booking-1', fields(start))).toMatchObject({ id: made.id });
    expect(events()).toHaveLength(1);
    expect(events()[0].properties.get(EVENT_KEY_PROPERTY)).toBe('booking-1');

    const later = new Date(start.getTime() + DAY);
    expect(await graph.putEvent(calendar.id, 'booking-1', fields(later))).toMatchObject({ id: made.id, start: later });
    expect(events()).toEqual([expect.objectContaining({ id: made.id, start: later })]);

    await graph.deleteEvent(calendar.id, 'booking-1');
    expect(events()).toHaveLength(0);
    await graph.deleteEvent(calendar.id, 'booking-1');
  });

  test('the calendar read back for a resync: our keys, hand edits and events made by hand', async () => {
    const { graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    const start = new Date(Date.UTC(2031, 4, 2, 8));
    for (let n = 1; n <= 12; n += 1)
      await graph.putEvent(calendar.id, `booking-${n}`, fields(new Date(start.getTime() + n * HOUR)));
    const own = fake.calendarNamed('ada@contoso.example', 'Ada bookings')!;
    const moved = [...own.events.values()].find((event) => event.properties.get(EVENT_KEY_PROPERTY) === 'booking-3')!;
    moved.start = new Date(start.getTime() + 30 * HOUR);
    moved.end = new Date(start.getTime() + 31 * HOUR);
    const extra = fake.addEvent('ada@contoso.example', start, new Date(start.getTime() + HOUR));
    fake.mainCalendar('ada@contoso.example').events.delete(extra.id);
    own.events.set(extra.id, extra);

    // Twelve events and the hand-made one, over pages of five: every page is read.
    fake.pageLimit = 5;
    const listed = await graph.listEvents(calendar.id, start, new Date(start.getTime() + 2 * DAY));
    expect(listed).toHaveLength(13);
    expect(fake.calls(/calendarView$/)).toBe(3);
    expect(listed.find((event) => event.key === 'booking-3')?.start).toEqual(moved.start);
    expect(listed.filter((event) => event.key === null).map((event) => event.id)).toEqual([extra.id]);
  });

  test('a Teams meeting for a work account keeps its link when moved; a personal account gets none', async () => {
    const ada = await connect('ada@contoso.example');
    const calendar = await ada.graph.createCalendar('Ada bookings');
    const start = new Date(Date.UTC(2031, 5, 1, 14));
    const made = await ada.graph.putEvent(calendar.id, 'booking-7', fields(start, { teams: true }));
    expect(made.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    const moved = await ada.graph.putEvent(
      calendar.id,
      'booking-7',
      fields(new Date(start.getTime() + DAY), { teams: true }),
    );
    expect(moved.joinUrl).toBe(made.joinUrl);

    const bob = await connect('bob@outlook.example');
    const own = await bob.graph.createCalendar('Bob bookings');
    expect((await bob.graph.putEvent(own.id, 'booking-8', fields(start, { teams: true }))).joinUrl).toBeNull();
  });
});

describe('faults and retries', () => {
  const eventsIn = (name: string) => [...fake.calendarNamed('ada@contoso.example', name)!.events.values()];

  test('a create Graph did but answered 503 is resent after Retry-After and answered with the first event (transactionId)', async () => {
    const { graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    fake.fault = { kind: '503', times: 1, retryAfter: 1, done: true, match: /^POST .*\/events$/ };
    const made = await graph.putEvent(calendar.id, 'booking-1', fields(new Date(Date.UTC(2031, 1, 1, 9))));
    expect(fake.calls(/^POST graph\/.*\/events$/)).toBe(2);
    expect(eventsIn('Ada bookings').map((event) => event.id)).toEqual([made.id]);
  });

  test('429s with a short Retry-After are waited out; a long one is handed to the caller with the wait', async () => {
    const { graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    fake.fault = { kind: '429', times: 2, retryAfter: 1 };
    await graph.putEvent(calendar.id, 'booking-1', fields(new Date(Date.UTC(2031, 1, 1, 9))));
    expect(eventsIn('Ada bookings')).toHaveLength(1);

    fake.fault = { kind: '429', times: 1, retryAfter: 120 };
    const throttled = await integrationFailure(
      graph.putEvent(calendar.id, 'booking-2', fields(new Date(Date.UTC(2031, 1, 2, 9)))),
    );
    expect(throttled).toMatchObject({
      kind: 'throttled',
      status: 429,
      code: 'TooManyRequests',
      retryAfterSeconds: 120,
    });

    fake.fault = { kind: '503', times: 10, retryAfter: 1 };
    const busy = await integrationFailure(
      graph.putEvent(calendar.id, 'booking-2', fields(new Date(Date.UTC(2031, 1, 2, 9)))),
    );
    expect(busy).toMatchObject({ kind: 'throttled', status: 503, retryAfterSeconds: 1 });
    // The first call and its three retries.
    expect(fake.fault.times).toBe(6);
    expect(eventsIn('Ada bookings')).toHaveLength(1);
  });

  test('a create whose answer was lost is found by its key on the next try, not made twice', async () => {
    const { graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    fake.fault = { kind: 'lose', times: 1, match: /^POST .*\/events$/ };
    const lost = await integrationFailure(
      graph.putEvent(calendar.id, 'booking-1', fields(new Date(Date.UTC(2031, 1, 1, 9)))),
    );
    expect(lost).toMatchObject({ kind: 'failed', status: null });
    expect(eventsIn('Ada bookings')).toHaveLength(1);

    const later = new Date(Date.UTC(2031, 1, 1, 11));
    await graph.putEvent(calendar.id, 'booking-1', fields(later));
    expect(eventsIn('Ada bookings')).toEqual([expect.objectContaining({ start: later })]);
  });

  test('Graph silent past the timeout, or unreachable, is a failure to retry later', async () => {
    const quick = new MicrosoftClient(settings({ timeoutMs: 300 }));
    const { graph } = await connect('ada@contoso.example', quick);
    fake.fault = { kind: 'hang', times: 1 };
    expect(await integrationFailure(graph.me())).toMatchObject({
      kind: 'failed',
      status: null,
      message: 'Microsoft Graph gave no answer in time',
    });
    fake.fault = { kind: 'down', times: 1 };
    expect(await integrationFailure(graph.me())).toMatchObject({ kind: 'failed', status: null });
    expect((await graph.me()).email).toBe('ada@contoso.example');
  });
});

describe('busy times', () => {
  const at = (day: number, hour: number) => new Date(Date.UTC(2031, 0, day, hour));

  test('a work account: getSchedule in windows under 62 days, only what is not free, never the dedicated calendar', async () => {
    const { account, graph } = await connect('ada@contoso.example');
    const calendar = await graph.createCalendar('Ada bookings');
    await graph.putEvent(calendar.id, 'booking-1', fields(at(3, 9)));
    fake.addEvent('ada@contoso.example', at(2, 9), at(2, 10));
    fake.addEvent('ada@contoso.example', at(5, 9), at(5, 12), 'tentative');
    fake.addEvent('ada@contoso.example', at(6, 9), at(6, 12), 'free');
    fake.addEvent('ada@contoso.example', at(80, 9), at(80, 10), 'oof');

    const busy = await graph.busy(account, at(1, 0), at(101, 0));
    expect(busy).toEqual([
      { start: at(2, 9), end: at(2, 10) },
      { start: at(5, 9), end: at(5, 12) },
      { start: at(80, 9), end: at(80, 10) },
    ]);
    expect(fake.calls(/^POST graph\/v1\.0\/me\/calendar\/getSchedule$/)).toBe(Math.ceil(100 / SCHEDULE_WINDOW_DAYS));
  });

  test('Graph refuses a getSchedule window of 62 days or more, and personal accounts (read through calendarView)', async () => {
    const ada = await connect('ada@contoso.example');
    const token = await client.auth.accessToken(client.auth.app(ada.store), false);
    const ask = (email: string, days: number, bearer = token) =>
      fetch(`${fake.graphUrl}/v1.0/me/calendar/getSchedule`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          schedules: [email],
          startTime: { dateTime: '2031-01-01T00:00:00', timeZone: 'UTC' },
          endTime: { dateTime: new Date(at(1, 0).getTime() + days * DAY).toISOString().slice(0, 19), timeZone: 'UTC' },
        }),
      });
    const tooLong = await ask('ada@contoso.example', 62);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: object }).error).toMatchObject({ code: 'ErrorInvalidTimeInterval' });
    expect((await ask('ada@contoso.example', 61)).status).toBe(200);

    const bob = await connect('bob@outlook.example');
    const personal = await ask(
      'bob@outlook.example',
      7,
      await client.auth.accessToken(client.auth.app(bob.store), false),
    );
    expect(personal.status).toBe(403);
    expect(((await personal.json()) as { error: object }).error).toMatchObject({ code: 'ErrorAccessDenied' });

    fake.addEvent('bob@outlook.example', at(4, 9), at(4, 10));
    fake.addEvent('bob@outlook.example', at(4, 12), at(4, 13), 'free');
    const before = fake.calls(/getSchedule/);
    expect(await bob.graph.busy(bob.account, at(1, 0), at(31, 0))).toEqual([{ start: at(4, 9), end: at(4, 10) }]);
    expect(fake.calls(/getSchedule/)).toBe(before);
  });
});
