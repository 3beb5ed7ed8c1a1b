import { ConnectGoogleCalendarDocument, MyCalendarConnectionsDocument } from '../client/generated/graphql';
import { TestClock } from './support/clock';
import { googleSettings, onTestServer, openStartLink } from './support/calendars';
import { CookieJar } from './support/cookie-jar';
import { FakeGoogle } from './support/fake-google';
import { signUp, type Account } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

const clock = new TestClock();
let google: FakeGoogle;
let server: TestServer;

beforeAll(async () => {
  google = await FakeGoogle.start();
  server = await startTestServer(
    {
      google: googleSettings(google),
    },
    clock,
  );
});
afterAll(async () => {
  await server.stop();
  await google.stop();
});

const local = (url: string) => onTestServer(server, url);

const startLink = async (provider: Account) =>
  (await server.ok(ConnectGoogleCalendarDocument, {}, provider.token)).connectGoogleCalendar;

const open = (browser: CookieJar, link: string) => openStartLink(server, browser, link);

const connections = async (provider: Account) =>
  (await server.ok(MyCalendarConnectionsDocument, {}, provider.token)).myCalendarConnections;

describe('connecting a calendar account (OAuth)', () => {
  it('answers a single-use start link on this server, which binds the consent to the browser with a cookie and asks Google with PKCE', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const link = await startLink(provider);
    expect(link).toMatch(/^http:\/\/localhost:4000\/oauth\/google\/start\?ticket=[A-Za-z0-9_-]{43}$/);
    const browser = new CookieJar();
    const started = await browser.fetch(local(link));
    expect(started.status).toBe(303);
    expect(started.headers.get('cache-control')).toBe('no-store');
    expect(started.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^oauth_browser=[A-Za-z0-9_-]{43}; Path=\/oauth\/; Max-Age=600; HttpOnly; SameSite=Lax$/),
    ]);
    const consent = new URL(started.headers.get('location')!);
    expect(consent.origin + consent.pathname).toBe(`${google.url}/o/oauth2/v2/auth`);
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(consent.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The link was used up: opened again (a copy, a second tab) it starts nothing.
    const again = await new CookieJar().fetch(local(link));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used');

    const back = await browser.fetch(local(google.approve(consent, 'own.account@gmail.test')));
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('Google Calendar connected');
    expect(browser.has('oauth_browser')).toBe(false); // the cookie is cleared once used
    expect((await connections(provider)).map((connection) => connection.accountEmail)).toEqual([
      'own.account@gmail.test',
    ]);
  });

  it('connects nothing when the consent is approved in another browser: the forwarded consent link of the finding', async () => {
    const provider = await signUp(server, 'PROVIDER', 'Mallory');
    const consent = await open(new CookieJar(), await startLink(provider));
    const tokenCalls = google.calls(/^POST \/token$/);

    // Someone else opens the consent link in their own browser and approves with their own account.
    const victim = new CookieJar();
    const back = await victim.fetch(local(google.approve(consent, 'victim@gmail.test')));
    expect(back.status).toBe(400);
    expect(await back.text()).toContain('another browser');
    // Even with a consent of their own started in that browser, its cookie is not this consent's.
    const ownProvider = await signUp(server, 'PROVIDER');
    await open(victim, await startLink(ownProvider));
    const secondTry = await victim.fetch(local(google.approve(consent, 'victim@gmail.test')));
    expect(secondTry.status).toBe(400);

    expect(await connections(provider)).toEqual([]);
    expect(google.dedicated('victim@gmail.test')).toEqual([]); // no calendar made or shared in their account
    expect(google.calls(/^POST \/token$/)).toBe(tokenCalls); // the code was never even exchanged
  });

  it('trades a code only with the verifier Google was challenged for: a code from another consent is refused by Google', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const browser = new CookieJar();
    const consent = await open(browser, await startLink(provider));
    // A code the attacker got from a consent of their own (another challenge), put into this browser's callback.
    const attacker = await signUp(server, 'PROVIDER');
    const attackerConsent = await open(new CookieJar(), await startLink(attacker));
    const injected = new URL(google.approve(attackerConsent, 'attacker@gmail.test')).searchParams.get('code')!;
    const callback = new URL(google.approve(consent, 'ignored@gmail.test'));
    callback.searchParams.set('code', injected);
    const back = await browser.fetch(local(callback.toString()));
    expect(back.status).toBe(502);
    expect(await back.text()).toContain('invalid_grant');
    expect(await connections(provider)).toEqual([]);
    expect(google.dedicated('attacker@gmail.test')).toEqual([]);
  });

  it('lets a start link wait 2 minutes and a started consent 10', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const stale = await startLink(provider);
    clock.advance(3 * 60_000);
    expect((await new CookieJar().fetch(local(stale))).status).toBe(400);
    const browser = new CookieJar();
    const consent = await open(browser, await startLink(provider));
    clock.advance(11 * 60_000);
    const late = await browser.fetch(local(google.approve(consent, 'late@gmail.test')));
    expect(late.status).toBe(400);
    expect(await connections(provider)).toEqual([]);
  });
});
