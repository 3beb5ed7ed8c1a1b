import ICAL from 'ical.js';
import {
  BookingDocument,
  CancelBookingDocument,
  CreateServiceDocument,
  ModifyBookingDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { jobsSettled, runJobsNow, SERVICE, signUp, storedMails, type Account } from './support/fixtures';
import { FakeZoom, ZOOM_CREDENTIALS } from './support/fake-zoom';
import { eventually } from './support/live';
import { MeetingBed } from './support/meetings';
import { codes, startTestServer, type TestServer } from './support/server';

let bed: MeetingBed<FakeZoom>;
let server: TestServer;
let zoom: FakeZoom;
let customer: Account;
let slots: { id: string; startsAt: string }[];

beforeAll(async () => {
  bed = await MeetingBed.start(
    await FakeZoom.start(),
    (url) => ({ zoom: { ...ZOOM_CREDENTIALS, apiUrl: url, timeoutMs: 500 } }),
    {
      people: ['Dr Zoom', 'Carla'],
      service: { name: 'Video consult', meetingProvider: 'ZOOM' },
      lastDay: 16,
      jobKey: 'zoom-meeting:',
    },
  );
  ({ server, fake: zoom, customer, slots } = bed);
});
afterAll(() => bed?.stop());
beforeEach(() => {
  zoom.mode = 'ok';
  zoom.perSecond.Medium = 20;
  zoom.dailyCreateUpdate = 100;
});

const meetingsOf = (reference: string) =>
  [...zoom.meetings.values()].filter((meeting) => meeting.topic.endsWith(`(${reference})`));

describe('Zoom meetings', () => {
  it('make a meeting for a booking confirmed without waiting, move it with the booking, delete it on cancel', async () => {
    const booking = await bed.book(slots[0].id);
    expect(booking).toMatchObject({ status: 'CONFIRMED', meetingUrl: null });
    await jobsSettled(server);

    const [meeting] = meetingsOf(booking.reference);
    expect(meetingsOf(booking.reference)).toHaveLength(1);
    expect(meeting).toMatchObject({
      topic: `Video consult (${booking.reference})`,
      start_time: booking.startsAt.replace('.000Z', 'Z'),
      duration: 60,
      timezone: 'Europe/Rome',
    });
    expect(await bed.meetingUrl(booking.id)).toBe(meeting.join_url);
    // One token for every call, asked for with the account's credentials.
    const tokenCalls = zoom.called('POST', /^\/oauth\/token$/);
    expect(tokenCalls).toHaveLength(1);
    expect(new URLSearchParams(tokenCalls[0].body).get('grant_type')).toBe('account_credentials');

    // The link follows the confirmation in its own email, with the invite updated (SEQUENCE 1, LOCATION).
    const mails = await storedMails(server, customer.email);
    expect(mails.map((mail) => mail.subject)).toEqual([
      `Booking confirmed: Video consult (${booking.reference})`,
      `Your meeting link: Video consult (${booking.reference})`,
    ]);
    expect(mails[1].text).toContain(`Meeting: ${meeting.join_url}`);
    const [linked] = await server.sql<{ calendar: string }>(
      `select calendar from message where "to" = $1 and subject like 'Your meeting link%'`,
      [customer.email],
    );
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(linked.calendar)).getFirstSubcomponent('vevent')!);
    expect([event.uid, event.sequence, event.location]).toEqual([
      `${booking.reference}@booking-calendar-api`,
      1,
      meeting.join_url,
    ]);

    const moved = (
      await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [slots[1].id] } }, customer.token)
    ).modifyBooking;
    await jobsSettled(server);
    expect(zoom.meetings.get(meeting.id)?.start_time).toBe(moved.startsAt.replace('.000Z', 'Z'));
    expect(await bed.meetingUrl(booking.id)).toBe(meeting.join_url); // Zoom keeps the link of a moved meeting

    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    await jobsSettled(server);
    expect(meetingsOf(booking.reference)).toHaveLength(0);
    expect(zoom.called('DELETE', new RegExp(`/v2/meetings/${meeting.id}$`))).toHaveLength(1);
    expect(await server.sql('select * from zoom_meeting where booking_id = $1', [booking.id])).toEqual([]);
  });

  it.each([
    ['down', 'could not be reached'],
    ['error', 'HTTP 500'],
    ['hang', 'no answer within 500 ms'],
    ['lose', 'could not be reached'],
  ] as const)(
    'keep the booking confirmed while Zoom is %s, retry with backoff, and end with exactly one meeting',
    async (mode, error) => {
      const slot = slots[2 + ['down', 'error', 'hang', 'lose'].indexOf(mode)];
      zoom.mode = mode;
      const booking = await bed.book(slot.id);
      expect(booking.status).toBe('CONFIRMED');
      await jobsSettled(server, ['zoom_meeting']);
      expect(await bed.meetingUrl(booking.id)).toBeNull();
      const job = await bed.job(booking.id);
      expect(job.attempts).toBe(1);
      expect(job.last_error).toContain(error);
      expect(job.wait).toBeGreaterThan(0); // retried later, not at once
      if (mode === 'lose') expect(meetingsOf(booking.reference)).toHaveLength(1); // Zoom made it; the answer was lost

      zoom.mode = 'ok';
      await runJobsNow(server, 'zoom_meeting');
      const made = meetingsOf(booking.reference);
      expect(made).toHaveLength(1);
      expect(await bed.meetingUrl(booking.id)).toBe(made[0].join_url);
      expect((await server.ok(BookingDocument, { id: booking.id }, customer.token)).booking?.status).toBe('CONFIRMED');
    },
  );

  it('renew a token Zoom no longer accepts, once', async () => {
    const tokens = zoom.called('POST', /^\/oauth\/token$/).length;
    zoom.revokeTokens();
    const booking = await bed.book(slots[6].id);
    await jobsSettled(server);
    expect(meetingsOf(booking.reference)).toHaveLength(1);
    expect(zoom.called('POST', /^\/oauth\/token$/)).toHaveLength(tokens + 1);
  });
  it('waits out a per-second limit (429, Retry-After: 1) without counting it as a failure', async () => {
    zoom.perSecond.Medium = 0; // every create is over the limit until it is lifted
    const booking = await bed.book(slots[7].id);
    await eventually(async () => zoom.calls.some((call) => call.status === 429));
    // Between two tries the job waits, queued again for when Zoom said (a second), not counted as failed.
    let waiting: { attempts: number; wait: number } | undefined;
    await eventually(async () => {
      [waiting] = await server.sql<{ attempts: number; wait: number }>(
        `select attempts, extract(epoch from run_at - now())::float as wait from graphile_worker.jobs where key = $1 and locked_at is null`,
        [`zoom-meeting:${booking.id}`],
      );
      return waiting !== undefined;
    });
    expect(waiting!.attempts).toBe(0);
    expect(waiting!.wait).toBeLessThanOrEqual(1.5);
    expect(meetingsOf(booking.reference)).toHaveLength(0);
    zoom.perSecond.Medium = 20;
    await runJobsNow(server, 'zoom_meeting');
    expect(meetingsOf(booking.reference)).toHaveLength(1);
    expect(await bed.meetingUrl(booking.id)).toBe(meetingsOf(booking.reference)[0].join_url);
  });

  it("waits for the next UTC day when Zoom's daily create/update limit is reached, the booking confirmed meanwhile", async () => {
    zoom.dailyCreateUpdate = 0;
    const booking = await bed.book(slots[8].id);
    expect(booking.status).toBe('CONFIRMED');
    await jobsSettled(server, ['zoom_meeting']);
    const job = await bed.job(booking.id);
    const midnight = new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000);
    expect(job.attempts).toBe(0);
    expect(Math.abs(job.run_at.getTime() - midnight.getTime())).toBeLessThan(2_000);
    zoom.dailyCreateUpdate = 100; // the next day
    await runJobsNow(server, 'zoom_meeting');
    expect(meetingsOf(booking.reference)).toHaveLength(1);
  });

  it('makes a new meeting when the one it had was deleted in Zoom (404, code 3001), and sends the new link', async () => {
    const booking = await bed.book(slots[9].id);
    await jobsSettled(server);
    const [first] = meetingsOf(booking.reference);
    zoom.meetings.delete(first.id); // deleted in Zoom by hand
    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [slots[10].id] } }, customer.token);
    await jobsSettled(server);
    expect(zoom.called('PATCH', new RegExp(`/v2/meetings/${first.id}$`)).map((call) => call.status)).toEqual([404]);
    const [again] = meetingsOf(booking.reference);
    expect(again.id).not.toBe(first.id);
    expect(await bed.meetingUrl(booking.id)).toBe(again.join_url);
    const linked = (await storedMails(server, customer.email)).filter(
      (mail) => mail.subject.startsWith('Your meeting link') && mail.subject.includes(booking.reference),
    );
    expect(linked.at(-1)!.text).toContain(again.join_url);
  });
});

describe('Zoom not configured', () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer();
  });
  afterAll(async () => {
    await bare?.stop();
  });

  it('refuse ZOOM on createService and updateService, naming the field', async () => {
    const provider = await signUp(bare, 'PROVIDER');
    const refused = await bare.request(
      CreateServiceDocument,
      { input: { ...SERVICE, meetingProvider: 'ZOOM' } },
      provider.token,
    );
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0].extensions.field).toBe('meetingProvider');
    const { createService: service } = await bare.ok(CreateServiceDocument, { input: SERVICE }, provider.token);
    const update = await bare.request(
      UpdateServiceDocument,
      { id: service.id, input: { meetingProvider: 'ZOOM' } },
      provider.token,
    );
    expect(codes(update)).toEqual(['BAD_USER_INPUT']);
    expect(await bare.sql('select count(*)::int as n from service where meeting_provider = $1', ['ZOOM'])).toEqual([
      { n: 0 },
    ]);
  });
});
