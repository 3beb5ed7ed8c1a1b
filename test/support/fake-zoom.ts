import type http from 'node:http';
import { FakeHttpApi } from './fake-http';

export const ZOOM_CREDENTIALS = { accountId: 'acct-test', clientId: 'client-test', clientSecret: 'secret-test' };

export interface FakeMeeting {
  id: number;
  topic: string;
  agenda: string;
  start_time: string;
  duration: number;
  timezone: string;
  join_url: string;
}

export interface ZoomCall {
  method: string;
  path: string;
  authorization?: string;
  body: string;
  /** The HTTP status answered (undefined when none was). */
  status?: number;
}

/** Zoom's rate-limit categories of the endpoints the server calls (each endpoint's "Rate Limit Label"). */
type Category = 'Light' | 'Medium';

const DAY_MS = 86_400_000;

/**
 * A local HTTP server speaking the parts of Zoom's API the server uses: the account_credentials token
 * (valid for its expires_in), and meetings create, list, update and delete, with Zoom's rules: field
 * validation (400, code 300), 404 code 3001 for a meeting it does not have, 401 code 124 for an unknown or
 * ended token, per-second limits per category (a Pro account's: Light 30/s, Medium 20/s) and the
 * per-user daily limit of 100 meeting creates and updates, both answered 429 with Zoom's X-RateLimit-*
 * headers and a Retry-After (the next second; the next UTC midnight for the daily limit).
 * `mode` makes the next calls fail: `down` (connection closed unanswered), `error` (HTTP 500), `hang` (no
 * answer), `lose` (done, then the connection closed unanswered).
 */
export class FakeZoom extends FakeHttpApi {
  readonly meetings = new Map<number, FakeMeeting>();
  readonly calls: ZoomCall[] = [];
  mode: 'ok' | 'down' | 'error' | 'hang' | 'lose' = 'ok';
  /** Requests per second, per category. */
  readonly perSecond: Record<Category, number> = { Light: 30, Medium: 20 };
  /** Meeting creates and updates per user per UTC day. */
  dailyCreateUpdate = 100;
  private readonly recent: Record<Category, number[]> = { Light: [], Medium: [] };
  private createsToday = { day: 0, count: 0 };
  private nextId = 81_000_000_001;
  private readonly tokens = new Map<string, number>();

  static start(): Promise<FakeZoom> {
    return new FakeZoom().listen();
  }

  get url(): string {
    return this.origin;
  }

  called(method: string, path: RegExp): ZoomCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  /** Every token issued so far stops working, as when Zoom revokes them. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const call: ZoomCall = { method: req.method!, path: req.url!, authorization: req.headers.authorization, body };
    this.calls.push(call);
    if (this.mode === 'hang') return;
    if (this.mode === 'down') return void req.socket.destroy();
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      if (this.mode === 'lose') return void req.socket.destroy();
      call.status = status;
      res.writeHead(status, { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (this.mode === 'error') return send(500, { code: 500, message: 'Internal error' });
    const url = new URL(req.url!, this.url);
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const params = new URLSearchParams(body);
      const basic = `Basic ${Buffer.from(`${ZOOM_CREDENTIALS.clientId}:${ZOOM_CREDENTIALS.clientSecret}`).toString('base64')}`;
      if (
        req.headers.authorization !== basic ||
        params.get('grant_type') !== 'account_credentials' ||
        params.get('account_id') !== ZOOM_CREDENTIALS.accountId
      ) {
        return send(400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      }
      const token = `tok-${this.tokens.size + 1}-${Date.now()}`;
      this.tokens.set(token, Date.now() + 3599_000);
      return send(200, { access_token: token, token_type: 'bearer', expires_in: 3599, scope: 'meeting:write:admin' });
    }
    const expiresAt = this.tokens.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
    if (!expiresAt || expiresAt < Date.now()) return send(401, { code: 124, message: 'Invalid access token.' });

    const meetings = url.pathname === '/v2/users/me/meetings';
    const one = /^\/v2\/meetings\/(\d+)$/.exec(url.pathname);
    const writes = (meetings && req.method === 'POST') || (one && req.method === 'PATCH');
    const limited = this.limit(meetings ? 'Medium' : 'Light', Boolean(writes));
    if (limited) return send(429, limited.body, limited.headers);

    if (meetings && req.method === 'POST') {
      const input = JSON.parse(body) as Omit<FakeMeeting, 'id' | 'join_url'> & { type?: number };
      const invalid = validate(input, true);
      if (invalid) return send(400, invalid);
      const id = this.nextId++;
      const meeting = {
        id,
        topic: input.topic,
        agenda: input.agenda,
        start_time: input.start_time,
        duration: input.duration,
        timezone: input.timezone,
        join_url: `https://zoom.example.test/j/${id}`,
      };
      this.meetings.set(id, meeting);
      return send(201, meeting);
    }
    if (meetings && req.method === 'GET') {
      return send(200, {
        page_size: 300,
        total_records: this.meetings.size,
        next_page_token: '',
        meetings: [...this.meetings.values()],
      });
    }
    const meeting = one && this.meetings.get(Number(one[1]));
    if (!one || !meeting)
      return send(404, { code: 3001, message: `Meeting does not exist: ${one?.[1] ?? url.pathname}.` });
    if (req.method === 'PATCH') {
      const input = JSON.parse(body) as Partial<FakeMeeting>;
      const invalid = validate(input, false);
      if (invalid) return send(400, invalid);
      Object.assign(meeting, input);
      return send(204);
    }
    if (req.method === 'DELETE') {
      this.meetings.delete(meeting.id);
      return send(204);
    }
    return send(404, { code: 404, message: 'Not found' });
  }

  /** Zoom's limits: a 429 answer when this call goes over its category's per-second limit or the daily create/update limit. */
  private limit(
    category: Category,
    createOrUpdate: boolean,
  ): { body: object; headers: Record<string, string> } | undefined {
    const now = Date.now();
    const recent = this.recent[category].filter((at) => at > now - 1_000);
    this.recent[category] = recent;
    if (recent.length >= this.perSecond[category])
      return {
        body: {
          code: 429,
          message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
        },
        headers: {
          'x-ratelimit-category': category,
          'x-ratelimit-type': 'QPS',
          'x-ratelimit-limit': String(this.perSecond[category]),
          'x-ratelimit-remaining': '0',
          'retry-after': '1',
        },
      };
    recent.push(now);
    if (!createOrUpdate) return undefined;
    const day = Math.floor(now / DAY_MS);
    if (this.createsToday.day !== day) this.createsToday = { day, count: 0 };
    if (this.createsToday.count >= this.dailyCreateUpdate)
      return {
        body: {
          code: 429,
          message: `You have exceeded the daily rate limit (${this.dailyCreateUpdate}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.`,
        },
        headers: {
          'x-ratelimit-category': category,
          'x-ratelimit-type': 'Daily-limit',
          'x-ratelimit-limit': String(this.dailyCreateUpdate),
          'x-ratelimit-remaining': '0',
          'retry-after': new Date((day + 1) * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      };
    this.createsToday.count += 1;
    return undefined;
  }
}

/** Zoom's checks of a meeting's fields: topic up to 200 characters, agenda up to 2,000, start_time `yyyy-MM-ddTHH:mm:ssZ`, a whole duration. */
function validate(input: Partial<FakeMeeting> & { type?: number }, creating: boolean): object | undefined {
  const errors: { field: string; message: string }[] = [];
  if (creating && input.type !== 2) errors.push({ field: 'type', message: 'Invalid field.' });
  if (input.topic !== undefined && (typeof input.topic !== 'string' || input.topic.length > 200))
    errors.push({ field: 'topic', message: 'Invalid field.' });
  if (input.agenda !== undefined && (typeof input.agenda !== 'string' || input.agenda.length > 2000))
    errors.push({ field: 'agenda', message: 'Invalid field.' });
  if (input.start_time !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(input.start_time))
    errors.push({ field: 'start_time', message: 'Invalid field.' });
  if (input.duration !== undefined && (!Number.isInteger(input.duration) || input.duration < 1))
    errors.push({ field: 'duration', message: 'Invalid field.' });
  return errors.length ? { code: 300, message: 'Validation Failed.', errors } : undefined;
}
