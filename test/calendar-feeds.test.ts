import ICAL from 'ical.js';
import nodeIcal, { type VEvent } from 'node-ical';
import {
  BookDocument,
  CalendarFeedUrlDocument,
  CancelBookingDocument,
  ModifyBookingDocument,
  RotateCalendarFeedDocument,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  signUp,
  statementsDuring,
  type Account,
} from './support/fixtures';
import { codes, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let otherOwner: Account;
let alice: Account;
let bob: Account;
/** Alice's bookings: kept and later moved, cancelled, and one with another provider; Bob's one. */
let moved: { id: string; reference: string; startsAt: string; meetingUrl?: string | null };
let cancelled: { id: string; reference: string };
let elsewhere: { id: string; reference: string };
let bobs: { id: string; reference: string };

const PUBLIC_URL = 'https://bookings.example.test';

beforeAll(async () => {
  server = await startTestServer({ publicUrl: PUBLIC_URL });
  [owner, otherOwner, alice, bob] = await Promise.all([
    signUp(server, 'PROVIDER', 'Dr Feed'),
    signUp(server, 'PROVIDER', 'Other Practice'),
    signUp(server, 'CUSTOMER', 'Alice'),
    signUp(server, 'CUSTOMER', 'Bob'),
  ]);
  const service = await createService(server, owner, { name: 'Consultation', meetingProvider: 'JITSI' });
  const slots = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(9));
  const other = await createService(server, otherOwner, { name: 'Massage' });
  const [otherSlot] = await dailySlots(server, otherOwner, other.id, daysFromNow(6), daysFromNow(6));
  const book = async (who: Account, slotId: string) =>
    (await server.ok(BookDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, who.token)).book;
  const first = await book(alice, slots[0].id);
  cancelled = await book(alice, slots[1].id);
  bobs = await book(bob, slots[2].id);
  elsewhere = await book(alice, otherSlot.id);
  await server.ok(CancelBookingDocument, { id: cancelled.id }, alice.token);
  moved = (await server.ok(ModifyBookingDocument, { id: first.id, input: { slotIds: [slots[3].id] } }, alice.token))
    .modifyBooking;
  await jobsSettled(server);
});
afterAll(async () => {
  await server?.stop();
});

async function feedUrl(who: Account): Promise<string> {
  return (await server.ok(CalendarFeedUrlDocument, {}, who.token)).calendarFeedUrl;
}

/** Fetches a feed URL (made with PUBLIC_URL) from the test server, as a calendar app would: no auth header. */
function fetchFeed(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url.replace('/graphql', new URL(url).pathname), { headers });
}

interface FeedEvent {
  uid: string;
  status: string;
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  location: string | null;
}

/** The events as ical.js reads them, and the same as node-ical reads them: both parsers must agree. */
function events(body: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(body));
  expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
  const byIcalJs = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      status: String(vevent.getFirstPropertyValue('status')),
      sequence: event.sequence,
      start: event.startDate.toJSDate(),
      end: event.endDate.toJSDate(),
      summary: event.summary,
      location: event.location ?? null,
    };
  });
  const byNodeIcal = Object.values(nodeIcal.sync.parseICS(body))
    .filter((component) => component?.type === 'VEVENT')
    .map((component) => {
      const event = component as VEvent;
      return {
        uid: event.uid,
        status: String(event.status),
        sequence: Number(event.sequence),
        start: new Date(event.start),
        end: new Date(event.end!),
        summary: String(event.summary),
        location: event.location ? String(event.location) : null,
      };
    });
  const byUid = (a: FeedEvent, b: FeedEvent) => a.uid.localeCompare(b.uid);
  expect(byNodeIcal.sort(byUid)).toEqual([...byIcalJs].sort(byUid));
  return byIcalJs;
}

const uid = (reference: string) => `${reference}@booking-calendar-api`;

describe('ICS feeds', () => {
  it("serve a provider's bookings by secret URL, parsed alike by ical.js and node-ical, with the invites' UIDs", async () => {
    const url = await feedUrl(owner);
    expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/calendars/[A-Za-z0-9_-]{43}\\.ics$`));
    expect(await feedUrl(owner)).toBe(url); // the same until rotated

    const response = await fetchFeed(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const body = await response.text();
    expect(body).not.toMatch(/[^\r]\n/); // every line ends in CRLF
    expect(body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true); // folded
    expect(body).toContain('X-WR-CALNAME:Dr Feed bookings');
    expect(body).toMatch(/REFRESH-INTERVAL;VALUE=DURATION:PT1H/);
    expect(body).toContain('X-PUBLISHED-TTL:PT1H');

    const found = events(body);
    expect(found.map((event) => event.uid).sort()).toEqual(
      [uid(moved.reference), uid(cancelled.reference), uid(bobs.reference)].sort(),
    );
    const movedEvent = found.find((event) => event.uid === uid(moved.reference))!;
    expect(moved.meetingUrl).toMatch(/^https:\/\/meet\.jit\.si\//);
    expect(movedEvent).toMatchObject({
      status: 'CONFIRMED',
      sequence: 1,
      start: new Date(moved.startsAt),
      location: moved.meetingUrl,
    });
    expect(movedEvent.summary).toBe(`Consultation: Alice (${moved.reference})`);
    expect(found.find((event) => event.uid === uid(cancelled.reference))).toMatchObject({
      status: 'CANCELLED',
      sequence: 1,
    });

    // The invite emailed for the move names the same event, at the same SEQUENCE.
    const [invite] = await server.sql<{ calendar: string }>(
      `select calendar from message where calendar like $1 and subject like 'Booking changed%' limit 1`,
      [`%${moved.reference}%`],
    );
    const invited = new ICAL.Event(new ICAL.Component(ICAL.parse(invite.calendar)).getFirstSubcomponent('vevent')!);
    expect([invited.uid, invited.sequence, invited.location]).toEqual([
      movedEvent.uid,
      movedEvent.sequence,
      movedEvent.location,
    ]);

    // Two reads at most: the feed's owner, then its bookings (no query per booking).
    expect(await statementsDuring(server, () => fetchFeed(url).then((again) => again.text()))).toBe(2);
  });

  it("serve a customer's own bookings only, across providers, within 30 days back and 365 ahead", async () => {
    const url = await feedUrl(alice);
    expect(url).not.toBe(await feedUrl(owner));
    const body = await (await fetchFeed(url)).text();
    expect(body).toContain("X-WR-CALNAME:Alice's bookings");
    const found = events(body);
    expect(found.map((event) => event.uid).sort()).toEqual(
      [uid(moved.reference), uid(cancelled.reference), uid(elsewhere.reference)].sort(),
    );
    expect(found.find((event) => event.uid === uid(moved.reference))!.summary).toBe(
      `Consultation (${moved.reference})`,
    );
    expect(body).not.toContain(bob.email);

    // A booking that started 31 days ago has left the window.
    await server.sql(
      `update booking set starts_at = starts_at - interval '400 days', ends_at = ends_at - interval '400 days' where id = $1`,
      [elsewhere.id],
    );
    try {
      expect(events(await (await fetchFeed(url)).text()).map((event) => event.uid)).not.toContain(
        uid(elsewhere.reference),
      );
    } finally {
      await server.sql(
        `update booking set starts_at = starts_at + interval '400 days', ends_at = ends_at + interval '400 days' where id = $1`,
        [elsewhere.id],
      );
    }
  });

  it('answer 304 while nothing changed (ETag, Last-Modified), and the new feed after a change', async () => {
    const url = await feedUrl(bob);
    const first = await fetchFeed(url);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toBeTruthy();
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0);
    expect(first.headers.get('cache-control')).toContain('private');
    const body = await first.text();

    // fetch() itself adds `cache-control: no-cache` (a reload) to a conditional request; calendar apps do not.
    const revalidate = { 'cache-control': 'max-age=0' };
    expect((await fetchFeed(url, { ...revalidate, 'if-none-match': etag })).status).toBe(304);
    expect((await fetchFeed(url, { ...revalidate, 'if-modified-since': lastModified })).status).toBe(304);
    expect(await (await fetchFeed(url)).text()).toBe(body); // the same bookings read the same, byte for byte

    await server.ok(CancelBookingDocument, { id: bobs.id }, bob.token);
    const changed = await fetchFeed(url, { ...revalidate, 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(events(await changed.text())).toEqual([
      expect.objectContaining({ uid: uid(bobs.reference), status: 'CANCELLED', sequence: 1 }),
    ]);
  });

  it('kill the old URL on rotation, answer 404 to unknown tokens, and store no token', async () => {
    const old = await feedUrl(alice);
    const { rotateCalendarFeed: fresh } = await server.ok(RotateCalendarFeedDocument, {}, alice.token);
    expect(fresh).not.toBe(old);
    expect(await feedUrl(alice)).toBe(fresh);
    expect((await fetchFeed(old)).status).toBe(404);
    expect((await fetchFeed(fresh)).status).toBe(200);

    expect((await fetchFeed(`${PUBLIC_URL}/calendars/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await fetchFeed(`${PUBLIC_URL}/calendars/nothing.ics`)).status).toBe(404);
    expect((await fetchFeed(fresh.replace('.ics', ''))).status).toBe(404);

    const token = new URL(fresh).pathname.slice('/calendars/'.length, -'.ics'.length);
    const rows = await server.sql('select * from calendar_feed');
    expect(JSON.stringify(rows)).not.toContain(token);

    expect(codes(await server.request(CalendarFeedUrlDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await server.request(RotateCalendarFeedDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });
});
