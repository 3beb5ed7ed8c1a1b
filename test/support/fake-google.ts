import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { FakeHttpApi } from './fake-http';

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

/**
 * What the next calendar API calls get: a dropped connection, an error status (500 backendError; 429 and
 * 403 rateLimitExceeded / userRateLimitExceeded, the limits Google's error guide says to back off from),
 * an answer lost after the work was done, or none at all.
 */
export type Fault = 'down' | '500' | '429' | '403-rate' | '403-user-rate' | 'lose' | 'hang';

/** calendarExpansionMax: the most calendars one free/busy query may name. */
const FREE_BUSY_MAX_CALENDARS = 50;
/** Page sizes Google caps list calls at: the calendar list (250) and events (2500). */
const PAGE_CAP = { calendarList: 250, events: 2500 };

/** An error answer as Google's API writes it: `{ error: { errors: [{ domain, reason, message }], code, message } }`. */
export function googleError(code: number, reason: string, message: string, domain = 'global') {
  return { error: { errors: [{ domain, reason, message }], code, message } };
}

const ERRORS = {
  notFound: googleError(404, 'notFound', 'Not Found'),
  deleted: googleError(410, 'deleted', 'Resource has been deleted'),
  duplicate: googleError(409, 'duplicate', 'The requested identifier already exists.'),
};

/** One page of a list, as Google pages it: maxResults (capped at `cap`), and a nextPageToken while more remain. */
function page<T>(items: T[], url: URL, cap: number, byDefault: number): { items: T[]; nextPageToken?: string } {
  const size = Math.min(Number(url.searchParams.get('maxResults') ?? byDefault), cap);
  const start = Number(url.searchParams.get('pageToken') ?? 0);
  const next = start + size;
  return { items: items.slice(start, next), ...(next < items.length ? { nextPageToken: String(next) } : {}) };
}

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
export class FakeGoogle extends FakeHttpApi {
  readonly calendars = new Map<string, FakeCalendar>();
  readonly requests: { method: string; path: string }[] = [];
  readonly revoked = new Set<string>();
  private readonly codes = new Map<string, GrantedCode>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly accessTokens = new Map<string, string>();
  private readonly hung: http.ServerResponse[] = [];
  /** The next `times` calendar API calls (those matching `only`, when given) fail as `kind` says. */
  fault?: { kind: Fault; times: number; retryAfter?: number; only?: RegExp };
  /**
   * The longest free/busy range answered. Google refuses longer ones with 400 timeRangeTooLong and does not
   * document its limit (reports put it near 90 days); 60 days are known to pass, so the fake refuses
   * anything longer: it must never be kinder than Google. A test may lower it (Google changing its mind).
   */
  freeBusyMaxDays = 60;
  /** Every free/busy query asked, as Google received it. */
  readonly freeBusyQueries: { timeMin: string; timeMax: string; items: string[] }[] = [];

  static start(): Promise<FakeGoogle> {
    return new FakeGoogle().listen();
  }

  get url(): string {
    return this.origin;
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
    await super.stop();
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
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
    if (fault && fault.times > 0 && (!fault.only || fault.only.test(`${method} ${url.pathname}`))) {
      fault.times -= 1;
      lose = fault.kind === 'lose';
      const retryAfter: Record<string, string> = fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {};
      if (fault.kind === 'down') return void req.socket.destroy();
      if (fault.kind === 'hang') return void this.hung.push(res);
      if (fault.kind === '500') return send(500, googleError(500, 'backendError', 'Backend Error'));
      if (fault.kind === '429')
        return send(429, googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits'), retryAfter);
      if (fault.kind === '403-rate')
        return send(403, googleError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits'), retryAfter);
      if (fault.kind === '403-user-rate')
        return send(
          403,
          googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits'),
          retryAfter,
        );
    }
    const body = raw && req.headers['content-type']?.includes('json') ? JSON.parse(raw) : {};
    const answer = (status: number, value?: unknown) => (lose ? req.socket.destroy() : send(status, value));
    return this.calendarApi(method, url, body, account, answer);
  }

  /**
   * freebusy.query as Google answers it: timeMin and timeMax required, an empty range refused
   * (timeRangeEmpty), a range over freeBusyMaxDays refused (timeRangeTooLong), at most 50 calendars
   * (tooManyCalendarsRequested); a calendar the account cannot read answers `errors` of its own (notFound).
   */
  private freeBusy(
    body: Record<string, unknown>,
    account: string,
    answer: (status: number, value?: unknown) => void,
    invalid: (reason: string, message: string) => void,
  ): void {
    const { timeMin, timeMax } = body as { timeMin?: string; timeMax?: string };
    const items = ((body.items as { id: string }[] | undefined) ?? []).map((item) => item.id);
    if (!timeMin) return invalid('required', 'Missing timeMin parameter.');
    if (!timeMax) return invalid('required', 'Missing timeMax parameter.');
    const [from, to] = [Date.parse(timeMin), Date.parse(timeMax)];
    if (Number.isNaN(from) || Number.isNaN(to)) return invalid('invalid', 'Invalid value for timeMin or timeMax.');
    if (to <= from) return invalid('timeRangeEmpty', 'The specified time range is empty.');
    if (to - from > this.freeBusyMaxDays * 86_400_000)
      return invalid('timeRangeTooLong', 'The requested time range is too long.');
    if (items.length > FREE_BUSY_MAX_CALENDARS)
      return invalid('tooManyCalendarsRequested', 'The number of calendars requested is too large.');
    this.freeBusyQueries.push({ timeMin, timeMax, items });
    const calendars: Record<string, unknown> = {};
    for (const id of items) {
      const calendar = this.calendars.get(id);
      calendars[id] =
        calendar?.owner === account
          ? {
              // Periods that meet the range, cut to it.
              busy: calendar.busy
                .filter((period) => Date.parse(period.end) > from && Date.parse(period.start) < to)
                .map((period) => ({
                  start: new Date(Math.max(Date.parse(period.start), from)).toISOString(),
                  end: new Date(Math.min(Date.parse(period.end), to)).toISOString(),
                })),
            }
          : { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
    }
    return answer(200, { kind: 'calendar#freeBusy', timeMin, timeMax, calendars });
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
    const notFound = () => answer(404, ERRORS.notFound);
    const invalid = (reason: string, message: string) => answer(400, googleError(400, reason, message));
    if (parts[0] === 'users' && parts[2] === 'calendarList') {
      const items = [...this.calendars.values()]
        .filter((calendar) => calendar.owner === account)
        .map((calendar) => ({ id: calendar.id, summary: calendar.summary, accessRole: 'owner' }));
      return answer(200, page(items, url, PAGE_CAP.calendarList, 100));
    }
    if (parts[0] === 'freeBusy' && method === 'POST') return this.freeBusy(body, account, answer, invalid);
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
        // Each conference Google makes is a meeting of its own, with its own link.
        const link = `https://meet.google.com/${randomBytes(5).toString('hex')}`;
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
      const items = this.live(calendar).filter(
        (event) => !from || new Date(event.end?.dateTime ?? 0).getTime() > new Date(from).getTime(),
      );
      return answer(200, page(items, url, PAGE_CAP.events, 250));
    }
    if (!eventId && method === 'POST') {
      const event = withMeet({ ...(body as FakeEvent), status: (body.status as string) ?? 'confirmed' });
      // Ids of events made by a client: base32hex (a-v, 0-9), 5 to 1024 characters.
      if (typeof event.id !== 'string' || !/^[a-v0-9]{5,1024}$/.test(event.id))
        return invalid('invalid', 'Invalid resource id value.');
      if (calendar.events.has(event.id)) return answer(409, ERRORS.duplicate);
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
      if (existing.status === 'cancelled') return answer(410, ERRORS.deleted);
      calendar.events.set(eventId, { ...existing, status: 'cancelled' });
      return answer(204);
    }
    return notFound();
  }
}
