import { WEBHOOK_ATTEMPTS } from '../../src/jobs';
import { SecretBox } from '../../src/core/secret-box';
import { isPublicAddress, parseReceiverUrl, publicOnlyLookup } from '../../src/webhooks/webhook-address';
import { signature } from '../../src/webhooks/webhook-sender';
import { verifySignature } from '../support/receiver';

const refused = (url: string, allowHttp = false) => {
  try {
    parseReceiverUrl(url, allowHttp);
    return undefined;
  } catch (error) {
    return (error as { details: { field: string } }).details.field;
  }
};

describe('webhook receivers', () => {
  it('must be https on a public address, unless WEBHOOKS_ALLOW_HTTP is on', () => {
    expect(parseReceiverUrl('https://hooks.example.com/in?x=1', false)).toBe('https://hooks.example.com/in?x=1');
    expect(parseReceiverUrl('https://93.184.215.14/in', false)).toBe('https://93.184.215.14/in');
    for (const url of [
      'http://hooks.example.com/in',
      'https://localhost/in',
      'https://api.localhost/in',
      'https://intranet/in',
      'https://printer.local/in',
      'https://127.0.0.1/in',
      'https://10.1.2.3/in',
      'https://172.16.0.1/in',
      'https://192.168.1.1/in',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/in',
      'https://0.0.0.0/in',
      'https://[::1]/in',
      'https://[fd00::1]/in',
      'https://[fe80::1]/in',
      'https://[::ffff:127.0.0.1]/in',
      // IPv4-compatible IPv6 (::/96): the IPv4 address in its last 32 bits is what is judged.
      'https://[::127.0.0.1]/in',
      'https://[::7f00:1]/in',
      'https://[::10.0.0.1]/in',
      'https://[::169.254.169.254]/in',
      'https://[::0.0.0.0]/in',
      'https://[::ffff:0:127.0.0.1]/in',
      'https://[64:ff9b::127.0.0.1]/in',
      'https://[2002:7f00:1::1]/in',
    ]) {
      expect([url, refused(url)]).toEqual([url, 'url']);
    }
    expect(refused('http://127.0.0.1:8080/in', true)).toBeUndefined();
    expect(refused('ftp://127.0.0.1/in', true)).toBe('url');
  });

  it('are checked again on the address a name resolves to when delivering', async () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2606:4700:4700::1111')).toBe(true);
    expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isPublicAddress('::127.0.0.1')).toBe(false);
    expect(isPublicAddress('::192.168.0.1')).toBe(false);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicOnlyLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error).toMatchObject({ code: 'EADDRNOTPUBLIC' });
  });
});

describe('webhook signing', () => {
  it('signs "t.body" so that the README verification accepts it and refuses any change', () => {
    const body = JSON.stringify({ id: 'e1', type: 'booking.created', createdAt: '2027-01-01T00:00:00.000Z', data: {} });
    const header = signature('whsec_abc', body, new Date());
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_abc', header, body)).toBe(true);
    expect(verifySignature('whsec_abc', header, body.replace('e1', 'e2'))).toBe(false);
    expect(verifySignature('whsec_abc', signature('whsec_abc', body, new Date(Date.now() - 600_000)), body)).toBe(
      false,
    );
  });

  it('keeps secrets sealed at rest when a key is set, and readable only with that key', () => {
    const sealed = new SecretBox('key-one').seal('whsec_abc');
    expect(sealed).toMatch(/^gcm:/);
    expect(sealed).not.toContain('whsec_abc');
    expect(new SecretBox('key-one').open(sealed)).toBe('whsec_abc');
    expect(() => new SecretBox('key-two').open(sealed)).toThrow();
    expect(() => new SecretBox(undefined, 'WEBHOOK_ENCRYPTION_KEY').open(sealed)).toThrow(/WEBHOOK_ENCRYPTION_KEY/);
    expect(new SecretBox().open(new SecretBox().seal('whsec_abc'))).toBe('whsec_abc');
  });

  it('retries for about three days with graphile-worker backoff, the first retries within seconds', () => {
    // graphile-worker waits exp(min(attempts, 10)) seconds after each failed attempt.
    const waits = Array.from({ length: WEBHOOK_ATTEMPTS - 1 }, (_, index) => Math.exp(Math.min(index + 1, 10)));
    expect(waits.slice(0, 3).every((wait) => wait < 30)).toBe(true);
    const lastAttemptHours = waits.reduce((sum, wait) => sum + wait, 0) / 3600;
    expect(lastAttemptHours).toBeGreaterThan(66);
    expect(lastAttemptHours).toBeLessThanOrEqual(72);
  });
});
