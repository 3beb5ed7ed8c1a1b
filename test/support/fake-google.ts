import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEvent {
  id: string;
  status: string;
  summary?: string;
  description?: string;
  start?: { dateTime?: string };
  end?: { dateTime?: string };
  conferenceData?: unknown;
  hangoutLink?: string;
  [key: string]: unknown;
}

interface FakeCalendar {
  id: string;
  owner: string;
  summary: string;
  acl: { role: string; scope: { type: string; value: string } }[];
  events: Map<string, FakeEvent>;
  /** Busy periods that free/busy reports for this calendar. */
  busy: { start: string; end: string }[];
}

/** A consent Google gave: the authorization request it answers, for the token request to be checked against. */
interface GrantedCode {
  email: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

/** Google's authorization codes last 10 minutes. */
const CODE_TTL_MS = 10 * 60_000;
/** RFC 7636: a verifier is 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** What the next calendar API calls get: a dropped connection, an error status, an answer lost after the work was done, or none at all. */
export type Fault = 'down' | '500' | '429' | 'lose' | 'hang';

const id = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`;

/**
 * A local HTTP server speaking the parts of Google's API that googleapis calls for the server: OAuth 2
 * consent (`approve`/`deny` play the user on the consent page), token (code and refresh grants) and
 * revoke, userinfo, Calendar v3 calendars, ACL, events, calendar list and free/busy. Fault switches apply
 * to the Calendar API calls. As Google does, a code is single use and lasts 10 minutes, the token request
 * must name the client and the redirect URI of its authorization request, and PKCE is checked: a code
 * asked for with a `code_challenge` (S256, or plain when no method is named) is traded only with its
 * verifier, and a verifier sent for a code asked for without one is refused.
 */
export class FakeGoogle {
  readonly calendars = new Map<string, FakeCalendar>();
  readonly requests: { method: string; path: string }[] = [];
  readonly revoked = new Set<string>();
  private readonly codes = new Map<string, GrantedCode>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly accessTokens = new Map<string, string>();
  private readonly hung: http.ServerResponse[] = [];
  fault?: { kind: Fault; times: number; retryAfter?: number };

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeGoogle> {
    const server = http.createServer();
    const fake = new FakeGoogle(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * The user `email` approves the consent page at `consentUrl` (as the server built it): the URL Google
   * then sends the browser to, the redirect URI with `code` and `state`. Also makes the account's
   * primary calendar.
   */
  approve(consentUrl: string | URL, email: string): string {
    const request = this.authorizationRequest(consentUrl);
    const code = id('4/0A');
    this.codes.set(code, { ...request.grant, email, expiresAt: Date.now() + CODE_TTL_MS });
    if (![...this.calendars.values()].some((calendar) => calendar.owner === email && calendar.id === email)) {
      this.calendars.set(email, { id: email, owner: email, summary: email, acl: [], events: new Map(), busy: [] });
    }
    return request.answer({ code, scope: 'https://www.googleapis.com/auth/calendar' });
  }

  /** The user declines the consent page: where Google sends the browser, with `error=access_denied`. */
  deny(consentUrl: string | URL): string {
    return this.authorizationRequest(consentUrl).answer({ error: 'access_denied' });
  }

  private authorizationRequest(consentUrl: string | URL) {
    const url = new URL(consentUrl);
    if (url.origin + url.pathname !== `${this.url}/o/oauth2/v2/auth`) throw new Error(`not a consent URL: ${url}`);
    const param = (name: string) => url.searchParams.get(name) ?? undefined;
    const [clientId, redirectUri] = [param('client_id'), param('redirect_uri')];
    if (!clientId || !redirectUri || param('response_type') !== 'code') throw new Error('invalid_request');
    const codeChallenge = param('code_challenge');
    const codeChallengeMethod = codeChallenge ? (param('code_challenge_method') ?? 'plain') : undefined;
    if (codeChallengeMethod && !['S256', 'plain'].includes(codeChallengeMethod)) throw new Error('invalid_request');
    return {
      grant: { clientId, redirectUri, codeChallenge, codeChallengeMethod },
      answer: (params: Record<string, string>) => {
        const back = new URL(redirectUri);
        for (const [name, value] of Object.entries({
          ...params,
          ...(param('state') ? { state: param('state')! } : {}),
        }))
          back.searchParams.set(name, value);
        return back.toString();
      },
    };
  }

  /** Every refresh token issued for an account (one per consent). */
  tokensOf(email: string): string[] {
    return [...this.refreshTokens].filter(([, owner]) => owner === email).map(([token]) => token);
  }

  /** Takes every grant of an account away, as a revocation in the Google account settings would. */
  revokeAll(email: string): void {
    for (const token of this.tokensOf(email)) this.revoked.add(token);
  }

  dedicated(email: string): FakeCalendar[] {
    return [...this.calendars.values()].filter((calendar) => calendar.owner === email && calendar.id !== email);
  }

  /** Live (not cancelled) events of a calendar. */
  live(calendar: FakeCalendar): FakeEvent[] {
    return [...calendar.events.values()].filter((event) => event.status !== 'cancelled');
  }

  calls(pattern: RegExp): number {
    return this.requests.filter((request) => pattern.test(`${request.method} ${request.path}`)).length;
  }

  async stop(): Promise<void> {
    for (const res of this.hung.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const form = new URLSearchParams(req.headers['content-type']?.includes('json') ? '' : raw);

    if (url.pathname === '/token') return this.token(form, send);
    if (url.pathname === '/revoke') {
      const token = url.searchParams.get('token') ?? form.get('token') ?? '';
      if (!this.refreshTokens.has(token) || this.revoked.has(token)) return send(400, { error: 'invalid_token' });
      this.revoked.add(token);
      return send(200, {});
    }
    const account = this.accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!account) return send(401, { error: { code: 401, message: 'Invalid Credentials' } });
    if (url.pathname === '/oauth2/v2/userinfo') return send(200, { id: account, email: account, verified_email: true });
    if (!url.pathname.startsWith('/calendar/v3/')) return send(404, { error: { code: 404, message: 'Not Found' } });

    const fault = this.fault;
    let lose = false;
    if (fault && fault.times > 0) {
      fault.times -= 1;
      lose = fault.kind === 'lose';
      if (fault.kind === 'down') return void req.socket.destroy();
      if (fault.kind === 'hang') return void this.hung.push(res);
      if (fault.kind === '500') return send(500, { error: { code: 500, message: 'Backend Error' } });
      if (fault.kind === '429')
        return send(
          429,
          { error: { code: 429, message: 'Rate Limit Exceeded' } },
          { 'retry-after': String(fault.retryAfter ?? 1) },
        );
    }
    const body = raw && req.headers['content-type']?.includes('json') ? JSON.parse(raw) : {};
    const answer = (status: number, value?: unknown) => (lose ? req.socket.destroy() : send(status, value));
    return this.calendarApi(method, url, body, account, answer);
  }

  private token(form: URLSearchParams, send: (status: number, body?: unknown) => void): void {
    if (form.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? ''); // single use, whatever the outcome
      if (!grant || grant.expiresAt < Date.now())
        return send(400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
      if (form.get('client_id') !== grant.clientId)
        return send(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
      if (form.get('redirect_uri') !== grant.redirectUri)
        return send(400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
      const verifier = form.get('code_verifier');
      if (!grant.codeChallenge && verifier)
        return send(400, { error: 'invalid_grant', error_description: 'code_verifier or verifier is not needed.' });
      if (grant.codeChallenge && !verifier)
        return send(400, { error: 'invalid_grant', error_description: 'Missing code verifier.' });
      if (grant.codeChallenge) {
        const answered =
          grant.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier!).digest('base64url') : verifier;
        if (!VERIFIER.test(verifier!) || answered !== grant.codeChallenge)
          return send(400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
      }
      const email = grant.email;
      const refresh = id('1//refresh-');
      this.refreshTokens.set(refresh, email);
      const access = id('ya29.');
      this.accessTokens.set(access, email);
      return send(200, {
        access_token: access,
        refresh_token: refresh,
        expires_in: 3599,
        token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/calendar',
      });
    }
    const refresh = form.get('refresh_token') ?? '';
    const email = this.refreshTokens.get(refresh);
    if (!email || this.revoked.has(refresh))
      return send(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const access = id('ya29.');
    this.accessTokens.set(access, email);
    return send(200, { access_token: access, expires_in: 3599, token_type: 'Bearer' });
  }

  private calendarApi(
    method: string,
    url: URL,
    body: Record<string, unknown>,
    account: string,
    answer: (status: number, value?: unknown) => void,
  ): void {
    const parts = url.pathname.replace('/calendar/v3/', '').split('/').map(decodeURIComponent);
    const notFound = () => answer(404, { error: { code: 404, message: 'Not Found' } });
    if (parts[0] === 'users' && parts[2] === 'calendarList') {
      return answer(200, {
        items: [...this.calendars.values()]
          .filter((calendar) => calendar.owner === account)
          .map((calendar) => ({ id: calendar.id, summary: calendar.summary, accessRole: 'owner' })),
      });
    }
    if (parts[0] === 'freeBusy' && method === 'POST') {
      const calendars: Record<string, { busy: { start: string; end: string }[] }> = {};
      for (const item of body.items as { id: string }[])
        calendars[item.id] = { busy: this.calendars.get(item.id)?.busy ?? [] };
      return answer(200, { kind: 'calendar#freeBusy', calendars });
    }
    if (parts[0] !== 'calendars') return notFound();
    if (parts.length === 1 && method === 'POST') {
      const calendar = {
        id: `${id('c')}@group.calendar.google.com`,
        owner: account,
        summary: String(body.summary),
        acl: [],
        events: new Map(),
        busy: [],
      };
      this.calendars.set(calendar.id, calendar);
      return answer(200, { id: calendar.id, summary: calendar.summary });
    }
    const calendar = this.calendars.get(parts[1]);
    if (!calendar || calendar.owner !== account) return notFound();
    if (parts.length === 2) return answer(200, { id: calendar.id, summary: calendar.summary });
    if (parts[2] === 'acl' && method === 'POST') {
      calendar.acl.push(body as FakeCalendar['acl'][number]);
      return answer(200, { id: `user:${(body.scope as { value: string }).value}`, ...body });
    }
    if (parts[2] !== 'events') return notFound();
    const eventId = parts[3];
    const withMeet = (event: FakeEvent): FakeEvent => {
      if (url.searchParams.get('conferenceDataVersion') === '1' && event.conferenceData && !event.hangoutLink) {
        const link = `https://meet.google.com/${event.id.slice(-3)}-fake-meet`;
        return {
          ...event,
          hangoutLink: link,
          conferenceData: { entryPoints: [{ entryPointType: 'video', uri: link }] },
        };
      }
      return event;
    };
    if (!eventId && method === 'GET') {
      const from = url.searchParams.get('timeMin');
      const items = this.live(calendar).filter((event) => !from || (event.end?.dateTime ?? '') > from);
      return answer(200, { items });
    }
    if (!eventId && method === 'POST') {
      const event = withMeet({ ...(body as FakeEvent), status: (body.status as string) ?? 'confirmed' });
      if (calendar.events.has(event.id))
        return answer(409, { error: { code: 409, message: 'The requested identifier already exists.' } });
      calendar.events.set(event.id, event);
      return answer(200, event);
    }
    const existing = calendar.events.get(eventId);
    if (method === 'GET') return existing ? answer(200, existing) : notFound();
    if (method === 'PUT' || method === 'PATCH') {
      if (!existing) return notFound();
      const event = withMeet({
        ...(method === 'PATCH' ? existing : {}),
        ...(body as FakeEvent),
        id: eventId,
        status: (body.status as string) ?? existing.status,
        hangoutLink: existing.hangoutLink,
        ...(existing.hangoutLink ? { conferenceData: existing.conferenceData } : {}),
      });
      calendar.events.set(eventId, event);
      return answer(200, event);
    }
    if (method === 'DELETE') {
      if (!existing) return notFound();
      if (existing.status === 'cancelled')
        return answer(410, { error: { code: 410, message: 'Resource has been deleted' } });
      calendar.events.set(eventId, { ...existing, status: 'cancelled' });
      return answer(204);
    }
    return notFound();
  }
}
