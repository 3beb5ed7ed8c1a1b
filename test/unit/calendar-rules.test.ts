import { retryDelayMs } from '../../src/calendars/calendar-sync';
import { bookingIdOfEvent, eventIdOf } from '../../src/calendars/google-event';
import { loadConfig } from '../../src/config';
import { SecretBox } from '../../src/core/secret-box';

describe('calendar rules', () => {
  it('derives event ids Google accepts (base32hex, 5 to 1024 long) and reads them back', () => {
    for (const id of [1, 42, 2_147_483_647]) {
      expect(eventIdOf(id)).toMatch(/^[a-v0-9]{5,1024}$/);
      expect(bookingIdOfEvent(eventIdOf(id))).toBe(id);
    }
    expect(bookingIdOfEvent('someoneelses')).toBeNull();
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
