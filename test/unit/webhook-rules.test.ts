import { WEBHOOK_ATTEMPTS } from '../../src/jobs';
import { SecretBox } from '../../src/infra/secret-box';
import { isPublicAddress, parseReceiverUrl, publicOnlyLookup } from '../../src/webhooks/webhook-address';
import { Webhook } from 'standardwebhooks';
import { newSecret, signedHeaders } from '../../src/webhooks/webhook-sender';
import { verified } from '../support/receiver';

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
  it('makes Standard Webhooks secrets and headers, which the standardwebhooks package verifies and any change breaks', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/); // 32 random bytes, base64
    expect(newSecret()).not.toBe(secret);
    const id = '6f1c1f0e-8a53-4d2b-9a8e-6c1d2f3a4b5c';
    const body = JSON.stringify({ id, type: 'booking.created', createdAt: '2027-01-01T00:00:00.000Z', data: {} });
    const headers = signedHeaders(secret, id, body, new Date());
    expect(headers).toEqual({
      'webhook-id': id,
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    });
    const receive = (withSecret: string, withBody: string, withHeaders: Record<string, string>) =>
      verified(withSecret, { body: withBody, headers: withHeaders });
    expect(receive(secret, body, headers)).toBe(true);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(receive(secret, body.replace('2027', '2028'), headers)).toBe(false);
    expect(receive(secret, body, { ...headers, 'webhook-id': 'another' })).toBe(false);
    expect(receive(newSecret(), body, headers)).toBe(false);
    const old = signedHeaders(secret, id, body, new Date(Date.now() - 600_000)); // replayed after 10 minutes
    expect(receive(secret, body, old)).toBe(false);
  });

  it("keeps the key of a secret made before (whsec_ and base64url): its owner verifies with the secret's base64 form", () => {
    const bytes = Buffer.from('an old endpoint secret: 32 bytes', 'utf8');
    const before = `whsec_${bytes.toString('base64url')}`; // how secrets were written until Standard Webhooks
    const body = '{"id":"e1"}';
    const headers = signedHeaders(before, 'e1', body, new Date());
    const rewritten = `whsec_${Buffer.from(before.slice('whsec_'.length), 'base64url').toString('base64')}`; // the API guide's line
    expect(rewritten).toBe(`whsec_${bytes.toString('base64')}`);
    expect(verified(rewritten, { body, headers })).toBe(true);
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
