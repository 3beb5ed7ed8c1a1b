import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import {
  BookDocument,
  BookingCalendarSyncsDocument,
  CalendarFeedUrlDocument,
  CreateSlotDocument,
  ModifyBookingDocument,
  SlotsDocument,
} from '../client/generated/graphql';
import { connectGoogleAccount, googleSettings } from './support/calendars';
import { createService, jobsSettled, signUp, type Account } from './support/fixtures';
import { FakeGoogle } from './support/fake-google';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import { startTestServer, type TestServer } from './support/server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const mailbox = new Mailbox();
let google: FakeGoogle;
let server: TestServer;
let owner: Account;
let customer: Account;
let other: Account;
let serviceId: string;
/** 09:00 in Rome on four days in a row, and 10:00 on the last one (right after its 09:00). */
let slots: { id: string; startsAt: string; endsAt: string }[];

/** 08:00Z, `days` days from now: 09:00 in Rome in winter, 10:00 in summer. */
function morning(days: number): Date {
  const date = new Date(Date.now() + days * DAY);
  date.setUTCHours(8, 0, 0, 0);
  return date;
}

beforeAll(async () => {
  google = await FakeGoogle.start();
  const smtpUrl = `smtp://127.0.0.1:${await mailbox.start()}`;
  server = await startTestServer({
    smtpUrl,
    google: googleSettings(google),
  });
  owner = await signUp(server, 'PROVIDER', 'Dr Split');
  other = await signUp(server, 'CUSTOMER', 'Olga Other');
  customer = await signUp(server, 'CUSTOMER', 'Nina', { timezone: 'America/New_York' });
  // An appointment service: the provider's time is one resource.
  serviceId = (await createService(server, owner, { name: 'Therapy session', capacity: 1 })).id;
  slots = [];
  for (const start of [morning(20), morning(21), morning(22), morning(23), new Date(morning(23).getTime() + HOUR)]) {
    const { createSlot } = await server.ok(
      CreateSlotDocument,
      { serviceId, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + HOUR).toISOString() },
      owner.token,
    );
    slots.push(createSlot);
  }
  // The provider's Google account, connected as its browser would: the start link, Google's consent, the callback.
  expect((await connectGoogleAccount(server, google, owner, 'split@gmail.test')).response.status).toBe(200);
  await jobsSettled(server);
});
afterAll(async () => {
  await server.stop();
  await google.stop();
  await mailbox.stop();
});

const book = async (who: Account, slotIds: string[]) =>
  (await server.ok(BookDocument, { input: { slotIds, party: { adults: 1 } } }, who.token)).book;

async function mailsOf(reference: string, address: string, subject: string): Promise<ParsedMail[]> {
  const found = () =>
    mailbox.to(address).filter((mail) => mail.subject?.startsWith(subject) && mail.subject.includes(reference));
  await eventually(async () => found().length >= 1, 15_000);
  return found();
}

interface Invite {
  method: string;
  uid: string;
  status: string;
  start: string;
  end: string;
}

/** Every iCalendar object a delivered email carries (the invite and the attachments), one event each. */
function invitesIn(mail: ParsedMail): Invite[] {
  return mail.attachments
    .filter((part) => part.contentType === 'text/calendar')
    .map((part) => {
      const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
      const vevents = calendar.getAllSubcomponents('vevent');
      expect(vevents).toHaveLength(1); // one event per iCalendar object, as iTIP wants
      const event = new ICAL.Event(vevents[0]);
      return {
        method: String(calendar.getFirstPropertyValue('method')),
        uid: event.uid,
        status: String(vevents[0].getFirstPropertyValue('status')),
        start: event.startDate.toJSDate().toISOString(),
        end: event.endDate.toJSDate().toISOString(),
      };
    })
    .sort((a, b) => a.uid.localeCompare(b.uid));
}

describe('a booking of two separate slots', () => {
  it('holds the provider only where booked, and is one event per run of slots in the feed, the emails and invites, and Google', async () => {
    const [first, gap, third] = slots;
    const booking = await book(customer, [first.id, third.id]);
    expect([booking.startsAt, booking.endsAt]).toEqual([first.startsAt, third.endsAt]);

    // The day between stays the provider's: open, and bookable by someone else.
    const { slots: read } = await server.ok(SlotsDocument, { serviceId, from: gap.startsAt, to: gap.endsAt });
    expect(read[0].available).toBe(1);
    expect((await book(other, [gap.id])).status).toBe('CONFIRMED');
    await jobsSettled(server);

    // The provider's feed: one event per run, each with its own UID.
    const { calendarFeedUrl } = await server.ok(CalendarFeedUrlDocument, {}, owner.token);
    const feed = await (await fetch(server.url.replace('/graphql', new URL(calendarFeedUrl).pathname))).text();
    const events = new ICAL.Component(ICAL.parse(feed))
      .getAllSubcomponents('vevent')
      .map((vevent) => new ICAL.Event(vevent))
      .filter((event) => event.uid.startsWith(booking.reference))
      .map((event) => [event.uid, event.startDate.toJSDate().toISOString(), event.endDate.toJSDate().toISOString()]);
    expect(events.sort()).toEqual([
      [`${booking.reference}-2@booking-calendar-api`, third.startsAt, third.endsAt],
      [`${booking.reference}@booking-calendar-api`, first.startsAt, first.endsAt],
    ]);

    // The emails: both times, in the reader's zone, and one invite per run.
    const [toNina] = await mailsOf(booking.reference, customer.email, 'Booking confirmed');
    expect(toNina.text).toContain('When (2 separate times):');
    const inNewYork = (iso: string) =>
      new Date(iso).toLocaleString('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' });
    expect(toNina.text).toContain(`to ${inNewYork(first.endsAt)} (E`);
    expect(toNina.text).not.toContain('From:');
    expect(invitesIn(toNina)).toEqual([
      {
        method: 'REQUEST',
        uid: `${booking.reference}-2@booking-calendar-api`,
        status: 'CONFIRMED',
        start: third.startsAt,
        end: third.endsAt,
      },
      {
        method: 'REQUEST',
        uid: `${booking.reference}@booking-calendar-api`,
        status: 'CONFIRMED',
        start: first.startsAt,
        end: first.endsAt,
      },
    ]);
    const [toOwner] = await mailsOf(booking.reference, owner.email, 'Booking confirmed');
    expect(invitesIn(toOwner)).toHaveLength(2);

    // Google: one event per run.
    const [calendar] = google.dedicated('split@gmail.test');
    const ours = google.live(calendar).filter((event) => event.id.startsWith(`booking${booking.id}`));
    expect(ours.map((event) => [event.id, event.start?.dateTime, event.end?.dateTime]).sort()).toEqual([
      [`booking${booking.id}`, first.startsAt, first.endsAt],
      [`booking${booking.id}s2`, third.startsAt, third.endsAt],
    ]);
    const { booking: synced } = await server.ok(BookingCalendarSyncsDocument, { id: booking.id }, owner.token);
    expect(synced!.calendarSyncs[0]).toMatchObject({
      status: 'SYNCED',
      externalEventIds: [`booking${booking.id}`, `booking${booking.id}s2`],
    });

    // Down to one run: the change's email pairs the runs before → after, and cancels the run that went.
    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [first.id] } }, customer.token);
    const [changed] = await mailsOf(booking.reference, owner.email, 'Booking changed');
    expect(changed.text).toMatch(/- Times:\n {2}- .+, unchanged\n/);
    expect(changed.text).toMatch(/ {2}- .+ → removed\n/);
    expect(invitesIn(changed)).toEqual([
      expect.objectContaining({
        method: 'CANCEL',
        uid: `${booking.reference}-2@booking-calendar-api`,
        start: third.startsAt,
      }),
      expect.objectContaining({
        method: 'REQUEST',
        uid: `${booking.reference}@booking-calendar-api`,
        start: first.startsAt,
      }),
    ]);
    await jobsSettled(server);
    expect(
      google
        .live(calendar)
        .filter((event) => event.id.startsWith(`booking${booking.id}`))
        .map((event) => event.id),
    ).toEqual([`booking${booking.id}`]);
  });

  it('makes consecutive slots one event, and holds the provider for that run only', async () => {
    const [, , , morningSlot, nextHour] = slots;
    const booking = await book(customer, [morningSlot.id, nextHour.id]);
    const [toNina] = await mailsOf(booking.reference, customer.email, 'Booking confirmed');
    expect(toNina.text).toContain('From: ');
    expect(invitesIn(toNina)).toEqual([
      expect.objectContaining({
        uid: `${booking.reference}@booking-calendar-api`,
        start: morningSlot.startsAt,
        end: nextHour.endsAt,
      }),
    ]);
    const [held] = await server.sql<{ runs: string }>(
      'select count(*)::int as runs from provider_busy where booking_id = $1',
      [booking.id],
    );
    expect(held.runs).toBe(1);
  });
});
