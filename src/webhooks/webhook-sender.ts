import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isPublicAddress, publicOnlyLookup } from './webhook-address';

export interface WebhookSettings {
  /** WEBHOOKS_ALLOW_HTTP=on: plain http and loopback or private receivers (development and tests). */
  allowHttp: boolean;
  /** WEBHOOK_TIMEOUT_MS: how long one POST may take, from connecting to the last byte read. */
  timeoutMs: number;
  /** WEBHOOK_ENCRYPTION_KEY: seals endpoint secrets at rest. */
  encryptionKey?: string;
}

/** What is kept of a receiver's answer: enough to see why it refused, never enough to hold a worker. */
const MAX_RESPONSE_BYTES = 1_024;

export interface SendOutcome {
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
}

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret as Standard Webhooks writes one: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers of one attempt (standardwebhooks.com): the event's id (the same on every
 * retry and redelivery), the attempt's time in Unix seconds, and `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
 * under the secret's bytes. Node reads base64 and base64url alike, so the key of a secret made before these
 * headers (`whsec_` and base64url) is the same bytes as the base64 form its owner now verifies with.
 */
export function signedHeaders(secret: string, eventId: string, body: string, at: Date): Record<string, string> {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const mac = createHmac('sha256', key).update(`${eventId}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': eventId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
}

/** Why a delivery failed, or null: a status other than 2xx (with the start of its answer) stands, else the failure. */
function deliveryError(
  status: number | null,
  text: string,
  failure: Error | undefined,
  timeoutMs: number,
): string | null {
  if (status !== null)
    return status >= 200 && status < 300 ? null : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  return failure?.name === 'AbortError'
    ? `no answer within ${timeoutMs} ms`
    : (failure?.message ?? 'the connection closed without an answer');
}

/** The POST of one signed body, on a connection of its own, to public addresses only unless http is allowed. */
function signedRequest(settings: WebhookSettings, target: URL, body: string, signed: Record<string, string>) {
  return (target.protocol === 'https:' ? https : http).request(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'booking-calendar-api-webhooks',
      ...signed,
    },
    agent: false, // a connection of its own, closed with the delivery
    signal: AbortSignal.timeout(settings.timeoutMs),
    ...(settings.allowHttp ? {} : { lookup: publicOnlyLookup }),
  });
}

/** Reads at most MAX_RESPONSE_BYTES of an answer, then drops the connection; `done` when it ends, fails or closes. */
function readCapped(response: http.IncomingMessage, onText: (text: string) => void, done: () => void): void {
  let read = 0;
  response.on('data', (chunk: Buffer) => {
    onText(chunk.subarray(0, Math.max(0, MAX_RESPONSE_BYTES - read)).toString('utf8'));
    read += chunk.length;
    if (read >= MAX_RESPONSE_BYTES) response.destroy();
  });
  response.on('end', done);
  response.on('error', () => done());
  response.on('close', done); // also after the cap or the time-out cut the body
}

/**
 * POSTs one signed body. No redirect is followed, the whole exchange is bounded by `timeoutMs`, and at most
 * MAX_RESPONSE_BYTES of the answer are read before the connection is dropped. Never throws: a failure is an outcome.
 */
export async function postSigned(
  settings: WebhookSettings,
  url: string,
  body: string,
  signed: Record<string, string>,
): Promise<SendOutcome> {
  const started = Date.now();
  const outcome = (responseStatus: number | null, error: string | null): SendOutcome => ({
    responseStatus,
    error,
    durationMs: Date.now() - started,
  });
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!settings.allowHttp && (target.protocol !== 'https:' || (net.isIP(host) && !isPublicAddress(host))))
    return outcome(null, 'the receiver is not a public https address');
  return new Promise((resolve) => {
    let status: number | null = null;
    let text = '';
    // The first of: the whole answer, the cap, the time-out or a failure; a status already received stands.
    const finish = (failure?: Error) =>
      resolve(outcome(status, deliveryError(status, text, failure, settings.timeoutMs)));
    const request = signedRequest(settings, target, body, signed);
    request.on('response', (response) => {
      status = response.statusCode ?? null;
      readCapped(
        response,
        (chunk) => {
          text += chunk;
        },
        () => finish(),
      );
    });
    request.on('error', finish);
    request.end(body);
  });
}
