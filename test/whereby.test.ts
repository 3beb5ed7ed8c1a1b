import ICAL from 'ical.js';
import { print } from 'graphql';
import {
  BookDocument,
  CancelBookingDocument,
  CreateServiceDocument,
  ModifyBookingDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { jobsSettled, runJobsNow, SERVICE, signUp, storedMails, type Account } from './support/fixtures';
import { FakeWhereby, WHEREBY_API_KEY } from './support/fake-whereby';
import { eventually } from './support/live';
import { MeetingBed } from './support/meetings';
import { codes, startTestServer, type TestServer } from './support/server';

let bed: MeetingBed<FakeWhereby>;
let server: TestServer;
let whereby: FakeWhereby;
let owner: Account;
let customer: Account;
let serviceId: string;
let slots: { id: string; startsAt: string; endsAt: string }[];

beforeAll(async () => {
  bed = await MeetingBed.start(
    await FakeWhereby.start(),
    (url) => ({ whereby: { apiKey: WHEREBY_API_KEY, apiUrl: url, timeoutMs: 500 } }),
    {
      people: ['Dr Room', 'Wanda'],
      service: { name: 'Video consult', meetingProvider: 'JITSI', meetingProviders: ['WHEREBY', 'NONE'] },
      lastDay: 12,
      jobKey: 'whereby-meeting:',
    },
  );
  ({ server, fake: whereby, owner, customer, slots } = bed);
  serviceId = bed.service.id;
  expect(bed.service).toMatchObject({ meetingProvider: 'JITSI', meetingProviders: ['WHEREBY', 'NONE'] });
});
afterAll(() => bed?.stop());
beforeEach(() => {
  whereby.mode = 'ok';
  whereby.pointsPerMinute = 100;
});

const roomsOf = (reference: string) =>
  [...whereby.rooms.values()].filter((room) => room.roomName.startsWith(`/${reference.toLowerCase()}`));

describe('Whereby meetings chosen by the customer', () => {
  it('make a room after the booking is confirmed, link it by email and invite, and delete it on cancel', async () => {
    const booking = await bed.book(slots[0].id, 'WHEREBY');
    expect(booking).toMatchObject({ status: 'CONFIRMED', meetingProvider: 'WHEREBY', meetingUrl: null });
    await jobsSettled(server);

    const [room] = roomsOf(booking.reference);
    expect(roomsOf(booking.reference)).toHaveLength(1);
    expect(room).toMatchObject({ endDate: slots[0].endsAt, roomMode: 'normal' });
    expect(await bed.meetingUrl(booking.id)).toBe(room.roomUrl);
    // The link works: Whereby knows the room it names.
    const got = await fetch(`${whereby.url}/meetings/${room.meetingId}`, {
      headers: { authorization: `Bearer ${WHEREBY_API_KEY}` },
    });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { roomUrl: string }).roomUrl).toBe(room.roomUrl);

    const mails = await storedMails(server, customer.email);
    const linked = mails.filter((mail) => mail.subject.includes(booking.reference));
    // Two jobs send them (the booking's, the room's): in either order.
    expect(linked.map((mail) => mail.subject).sort()).toEqual([
      `Booking confirmed: Video consult (${booking.reference})`,
      `Your meeting link: Video consult (${booking.reference})`,
    ]);
    expect(linked.find((mail) => mail.subject.startsWith('Your meeting link'))!.text).toContain(
      `Meeting: ${room.roomUrl}`,
    );
    const [invite] = await server.sql<{ calendar: string }>(
      `select calendar from message where "to" = $1 and subject = $2`,
      [customer.email, `Your meeting link: Video consult (${booking.reference})`],
    );
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(invite.calendar)).getFirstSubcomponent('vevent')!);
    expect([event.sequence, event.location]).toEqual([1, room.roomUrl]);

    // Moved later than the room lasts: a new room, the old one deleted; its link is sent again.
    const moved = (
      await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [slots[1].id] } }, customer.token)
    ).modifyBooking;
    expect(moved.meetingProvider).toBe('WHEREBY');
    await jobsSettled(server);
    const [next] = roomsOf(booking.reference);
    expect(roomsOf(booking.reference)).toHaveLength(1);
    expect(next.meetingId).not.toBe(room.meetingId);
    expect(next.endDate).toBe(slots[1].endsAt);
    expect(await bed.meetingUrl(booking.id)).toBe(next.roomUrl);

    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    await jobsSettled(server);
    expect(roomsOf(booking.reference)).toHaveLength(0);
    expect(
      whereby.calls.filter((call) => call.method === 'DELETE' && call.path.endsWith(`/${next.meetingId}`)),
    ).toHaveLength(1);
    expect(await server.sql('select * from whereby_meeting where booking_id = $1', [booking.id])).toEqual([]);
  });

  it("without a choice a booking gets the service's provider; another listed one is kept without a room", async () => {
    const jitsi = await bed.book(slots[2].id);
    expect(jitsi).toMatchObject({ meetingProvider: 'JITSI', meetingUrl: `https://meet.jit.si/${jitsi.reference}` });
    const none = await bed.book(slots[3].id, 'NONE');
    expect(none).toMatchObject({ meetingProvider: 'NONE', meetingUrl: null });
    await jobsSettled(server);
    expect(roomsOf(jitsi.reference)).toHaveLength(0);
    expect(roomsOf(none.reference)).toHaveLength(0);
  });

  it('refuse a provider the service does not offer, naming the field, and book nothing', async () => {
    const body = JSON.stringify({
      query: print(BookDocument),
      variables: { input: { slotIds: [slots[4].id], party: { adults: 1 }, meetingProvider: 'ZOOM' } },
    });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.token}` },
      body,
    });
    expect(response.status).toBe(200);
    const refused = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(refused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'meetingProvider' });
    expect(refused.errors[0].message).toContain('JITSI, WHEREBY, NONE');
    expect(
      await server.sql('select count(*)::int as n from booking_slot where slot_id = $1', [Number(slots[4].id)]),
    ).toEqual([{ n: 0 }]);
  });

  it('keep the booking confirmed while Whereby is down, retry with backoff, and then link one room', async () => {
    whereby.mode = 'down';
    const booking = await bed.book(slots[5].id, 'WHEREBY');
    await jobsSettled(server, ['whereby_meeting']);
    const job = await bed.job(booking.id);
    expect(job.attempts).toBe(1);
    expect(job.last_error).toContain('could not be reached');
    expect(await bed.meetingUrl(booking.id)).toBeNull();
    whereby.mode = 'ok';
    await runJobsNow(server, 'whereby_meeting');
    expect(roomsOf(booking.reference)).toHaveLength(1);
    expect(await bed.meetingUrl(booking.id)).toBe(roomsOf(booking.reference)[0].roomUrl);
  });

  it("waits out Whereby's rate limit (429, Retry-After) without counting it a failure", async () => {
    whereby.advance(60_000);
    whereby.pointsPerMinute = 0;
    const booking = await bed.book(slots[6].id, 'WHEREBY');
    let waiting: { attempts: number } | undefined;
    await eventually(async () => {
      [waiting] = await server.sql<{ attempts: number }>(
        `select attempts from graphile_worker.jobs where key = $1 and locked_at is null and run_at > now()`,
        [`whereby-meeting:${booking.id}`],
      );
      return waiting !== undefined;
    });
    expect(waiting!.attempts).toBe(0);
    whereby.pointsPerMinute = 100;
    whereby.advance(60_000);
    await runJobsNow(server, 'whereby_meeting');
    expect(roomsOf(booking.reference)).toHaveLength(1);
  });

  it('refuse listing a provider twice, and WHEREBY on a server without a Whereby key', async () => {
    const twice = await server.request(
      UpdateServiceDocument,
      { id: serviceId, input: { meetingProviders: ['WHEREBY', 'WHEREBY'] } },
      owner.token,
    );
    expect(codes(twice)).toEqual(['BAD_USER_INPUT']);
    expect(twice.errors![0].extensions.field).toBe('meetingProviders');

    const bare = await startTestServer();
    try {
      const provider = await signUp(bare, 'PROVIDER');
      const refused = await bare.request(
        CreateServiceDocument,
        { input: { ...SERVICE, meetingProviders: ['JITSI', 'WHEREBY'] } },
        provider.token,
      );
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0].extensions.field).toBe('meetingProviders');
    } finally {
      await bare.stop();
    }
  });
});
