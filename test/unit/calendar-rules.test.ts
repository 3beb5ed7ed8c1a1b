import { runsOf } from '../../src/booking/booking-runs';
import { bookingIdOfEvent, eventIdOf } from '../../src/calendars/calendar-event';
import { retryDelayMs } from '../../src/calendars/calendar-sync';
import { googleFailure } from '../../src/integrations/google/google-client';
import { retryAfterSeconds } from '../../src/core/retry-after';
import { loadConfig } from '../../src/config';
import { SecretBox } from '../../src/infra/secret-box';

describe('calendar rules', () => {
  it('derives event ids Google accepts (base32hex, 5 to 1024 long) and reads them back', () => {
    for (const id of [1, 42, 2_147_483_647]) {
      for (const run of [0, 1, 9, 99]) {
        expect(eventIdOf(id, run)).toMatch(/^[a-v0-9]{5,1024}$/);
        expect(bookingIdOfEvent(eventIdOf(id, run))).toBe(id);
      }
    }
    expect(eventIdOf(42)).toBe('booking42');
    expect(eventIdOf(42, 1)).toBe('booking42s2');
    expect(bookingIdOfEvent('someoneelses')).toBeNull();
  });

  it('makes one run of consecutive (touching or overlapping) slots, and a new run after a gap', () => {
    const at = (hour: number) => new Date(Date.UTC(2026, 11, 16, hour));
    const slot = (from: number, to: number) => ({ startsAt: at(from), endsAt: at(to) });
    expect(runsOf([slot(12, 13), slot(9, 10), slot(10, 11), slot(10, 12), slot(58, 59)])).toEqual([
      slot(9, 13),
      slot(58, 59),
    ]);
    expect(runsOf([slot(9, 10)])).toEqual([slot(9, 10)]);
  });

  it("reads Google's errors as its guide says: rate limits are waited out, other 4xx are refusals", () => {
    const failed = (status: number, reason?: string, headers: Record<string, string> = {}) =>
      googleFailure({
        message: 'failed',
        response: { status, headers, data: { error: { code: status, errors: reason ? [{ reason }] : [] } } },
      });
    for (const reason of ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'])
      expect(failed(403, reason).kind).toBe('retry');
    expect(failed(429, 'rateLimitExceeded', { 'retry-after': '7' })).toMatchObject({
      kind: 'retry',
      retryAfterSeconds: 7,
    });
    expect(failed(503).kind).toBe('retry');
    expect(failed(403, 'forbiddenForNonOrganizer').kind).toBe('refused');
    expect(failed(400, 'timeRangeTooLong')).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('timeRangeTooLong'),
    });
    expect(failed(404, 'notFound').kind).toBe('gone');
    expect(failed(410, 'deleted').kind).toBe('gone');
    expect(googleFailure({ response: { status: 400, data: { error: 'invalid_grant' } } }).kind).toBe('grant');
    expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30);
  });

  it("backs off from 5 s doubling to an hour, and follows Google's Retry-After", () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30)).toBe(3_600_000);
    expect(retryDelayMs(1, 120)).toBe(120_000);
  });

  it('rotates the token key: the new key first seals, the old one still opens (and says it is stale)', () => {
    const old = new SecretBox('key-old').seal('1//refresh');
    const rotated = new SecretBox('key-new,key-old', 'CALENDAR_TOKEN_KEY');
    expect(rotated.unseal(old)).toEqual({ secret: '1//refresh', stale: true });
    const resealed = rotated.seal('1//refresh');
    expect(rotated.unseal(resealed)).toEqual({ secret: '1//refresh', stale: false });
    expect(() => new SecretBox('key-old', 'CALENDAR_TOKEN_KEY').open(resealed)).toThrow(/CALENDAR_TOKEN_KEY/);
  });

  it('needs CALENDAR_TOKEN_KEY and both client settings to turn Google on', () => {
    expect(loadConfig({}).google).toBeUndefined();
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id' })).toThrow(/together/);
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' })).toThrow(/CALENDAR_TOKEN_KEY/);
    expect(
      loadConfig({
        GOOGLE_CLIENT_ID: 'id',
        GOOGLE_CLIENT_SECRET: 'secret',
        CALENDAR_TOKEN_KEY: 'k',
        GOOGLE_API_URL: 'http://127.0.0.1:9',
      }).google,
    ).toMatchObject({ apiUrl: 'http://127.0.0.1:9', timeoutMs: 10_000 });
  });
});
