import { WHEREBY_DEFAULTS, WherebyClient } from '../src/integrations/whereby/whereby-client';
import { integrationFailure } from './support/integration-failure';
import { FakeWhereby, WHEREBY_API_KEY } from './support/fake-whereby';

const HOUR = 3_600_000;

let fake: FakeWhereby;
let whereby: WherebyClient;

beforeAll(async () => {
  fake = await FakeWhereby.start();
  whereby = new WherebyClient({ ...WHEREBY_DEFAULTS, apiKey: WHEREBY_API_KEY, apiUrl: fake.url, timeoutMs: 2_000 });
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  // A fresh minute of rate-limit points.
  fake.advance(60_000);
  fake.mode = 'ok';
  fake.pointsPerMinute = 100;
  fake.rooms.clear();
});

test('a meeting is created with its host link, read back, and deleted (twice is fine)', async () => {
  const endDate = new Date(fake.now() + 2 * HOUR);
  const meeting = await whereby.createMeeting({ endDate, roomNamePrefix: 'consultation', isLocked: true });
  expect(meeting).toMatchObject({
    endDate,
    roomUrl: expect.stringMatching(/^https:\/\/example\.whereby\.com\/consultation/),
  });
  expect(meeting.hostRoomUrl).toMatch(/\?roomKey=/);
  expect(fake.rooms.get(meeting.meetingId)).toMatchObject({ isLocked: true, roomMode: 'normal' });
  expect(await whereby.getMeeting(meeting.meetingId)).toEqual(meeting);

  await whereby.deleteMeeting(meeting.meetingId);
  expect(fake.rooms.size).toBe(0);
  expect(await whereby.getMeeting(meeting.meetingId)).toBeNull();
  await whereby.deleteMeeting(meeting.meetingId);
});

test('Whereby deletes a room an hour after its end date', async () => {
  const meeting = await whereby.createMeeting({ endDate: new Date(fake.now() + HOUR) });
  fake.advance(2 * HOUR + 60_000);
  expect(await whereby.getMeeting(meeting.meetingId)).toBeNull();
});

test('refusals: an end date in the past, a bad prefix, a wrong API key', async () => {
  const past = await integrationFailure(whereby.createMeeting({ endDate: new Date(fake.now() - HOUR) }));
  expect(past).toMatchObject({ kind: 'failed', status: 400 });
  expect(past.message).toContain('endDate');
  const prefix = await integrationFailure(
    whereby.createMeeting({ endDate: new Date(fake.now() + HOUR), roomNamePrefix: 'Not_Allowed' }),
  );
  expect(prefix).toMatchObject({ kind: 'failed', status: 400 });

  const stranger = new WherebyClient({ ...WHEREBY_DEFAULTS, apiKey: 'wrong', apiUrl: fake.url, timeoutMs: 2_000 });
  expect(await integrationFailure(stranger.createMeeting({ endDate: new Date(fake.now() + HOUR) }))).toMatchObject({
    kind: 'failed',
    status: 401,
  });
  expect(fake.rooms.size).toBe(0);
});

test("over the minute's points (a create costs 3) Whereby answers 429 with Retry-After", async () => {
  fake.pointsPerMinute = 7;
  const endDate = new Date(fake.now() + HOUR);
  await whereby.createMeeting({ endDate });
  await whereby.createMeeting({ endDate });
  const throttled = await integrationFailure(whereby.createMeeting({ endDate }));
  expect(throttled).toMatchObject({ kind: 'throttled', status: 429 });
  expect(throttled.retryAfterSeconds).toBeGreaterThan(0);
  expect(throttled.retryAfterSeconds).toBeLessThanOrEqual(60);
  expect(fake.rooms.size).toBe(2);
  // A read costs 1 point: still within the budget.
  expect(await whereby.getMeeting([...fake.rooms.keys()][0])).not.toBeNull();
});

test('Whereby down, failing or losing the answer is a failure to retry later', async () => {
  const endDate = new Date(fake.now() + HOUR);
  fake.mode = 'down';
  expect(await integrationFailure(whereby.createMeeting({ endDate }))).toMatchObject({ kind: 'failed', status: null });
  fake.mode = 'error';
  expect(await integrationFailure(whereby.createMeeting({ endDate }))).toMatchObject({ kind: 'failed', status: 500 });
  fake.mode = 'lose';
  expect(await integrationFailure(whereby.createMeeting({ endDate }))).toMatchObject({ kind: 'failed', status: null });
  // The room of the lost answer exists; it is never used and Whereby deletes it after its end.
  expect(fake.rooms.size).toBe(1);
});
