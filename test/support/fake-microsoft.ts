import { createHash, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { exportJWK, importPKCS8, SignJWT } from 'jose';
import { generate } from 'selfsigned';

/** The tenant of every personal Microsoft account, and the one work tenant of this fake. */
export const PERSONAL_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const WORK_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Documented lifetimes: codes about 10 minutes, access tokens 60-90 minutes, refresh tokens 90 days of inactivity. */
const CODE_LIFETIME = 10 * MINUTE;
const REFRESH_LIFETIME = 90 * DAY;
/** getSchedule: fewer than 62 days, at most 20 schedules, 5 to 1440 minutes a slot. */
const SCHEDULE_MAX_MS = 62 * DAY;

export interface FakeEvent {
  id: string;
  subject: string;
  body: string;
  start: Date;
  end: Date;
  location: string;
  showAs: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string | null;
  joinUrl: string | null;
  transactionId: string | null;
  /** Single-value extended properties, by id. */
  properties: Map<string, string>;
  changeKey: string;
}

export interface FakeCalendar {
  id: string;
  name: string;
  isDefault: boolean;
  events: Map<string, FakeEvent>;
}

export interface FakeAccount {
  email: string;
  displayName: string;
  oid: string;
  tid: string;
  personal: boolean;
  calendars: Map<string, FakeCalendar>;
}

interface Code {
  email: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  method: string;
  expiresAt: number;
  used: boolean;
}

interface RefreshToken {
  email: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

/** What the next Graph calls get: a status (with Retry-After), a dropped connection, no answer, or the work done and the answer lost. */
export type GraphFault = '429' | '503' | '504' | 'down' | 'hang' | 'lose';

/** Graph's documented error answers, the body `{ error: { code, message, innerError } }`. */
class GraphRefusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

const notFound = () => new GraphRefusal(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const graphTime = (date: Date) => ({ dateTime: `${date.toISOString().slice(0, 19)}.0000000`, timeZone: 'UTC' });

function readTime(value: unknown, field: string): Date {
  const time = value as { dateTime?: string; timeZone?: string } | undefined;
  // The fake reads UTC only (the server sends UTC); Graph also takes Windows and IANA zone names.
  if (!time?.dateTime || time.timeZone !== 'UTC')
    throw new GraphRefusal(400, 'ErrorInvalidRequest', `${field} needs a dateTime and the time zone UTC`);
  const date = new Date(`${time.dateTime.slice(0, 23)}Z`);
  if (Number.isNaN(date.getTime())) throw new GraphRefusal(400, 'ErrorInvalidRequest', `${field} is not a date`);
  return date;
}

/**
 * One self-signed certificate per process, trusted by its TLS clients (Node's fetch, which MSAL and the
 * Graph client use; Node 22.19+/24.5+). Every fake of the process uses it, also those of test files that
 * share a jest worker (each with globals of its own, hence a file named by the process): Node's fetch keeps
 * trusting what it trusted first, so a second certificate would not be trusted.
 */
async function processCertificate(): Promise<{ private: string; cert: string }> {
  const file = path.join(os.tmpdir(), `fake-microsoft-certificate-${process.pid}.json`);
  let pems: { private: string; cert: string };
  try {
    pems = JSON.parse(fs.readFileSync(file, 'utf8')) as { private: string; cert: string };
  } catch {
    pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    fs.writeFileSync(file, JSON.stringify({ private: pems.private, cert: pems.cert }), { mode: 0o600 });
  }
  const roots = tls as unknown as {
    getCACertificates(which: 'default'): string[];
    setDefaultCACertificates(certificates: string[]): void;
  };
  const trusted = roots.getCACertificates('default');
  if (!trusted.includes(pems.cert)) roots.setDefaultCACertificates([...trusted, pems.cert]);
  return pems;
}

/**
 * A local Microsoft identity platform (v2.0 endpoints) and Microsoft Graph v1.0, each on its own HTTPS
 * port (MSAL refuses an authority that is not HTTPS) with a self-signed certificate this process trusts.
 * It keeps the documented rules the server depends on: PKCE, single-use 10-minute codes, rotating
 * refresh tokens, access tokens that expire, revoked grants (`invalid_grant` in Microsoft's JSON), Graph's
 * error shape, 404 on deleted calendars and events, transactionId, getSchedule's limits, Teams links
 * for work accounts only, and faults (429/503 with Retry-After) switchable by tests.
 */
export class FakeMicrosoft {
  readonly accounts = new Map<string, FakeAccount>();
  readonly requests: { method: string; path: string }[] = [];
  /** The next `times` Graph calls (those whose `METHOD /path` matches `match`, when given) fail as `kind`; `done`: after doing the work. */
  fault?: { kind: GraphFault; times: number; retryAfter?: number; done?: boolean; match?: RegExp };
  /** Graph may page below $top (server-driven paging): clients must follow @odata.nextLink. */
  pageLimit = 1000;
  /** Fixed access token lifetime in seconds; by default a random 60 to 90 minutes, as Microsoft gives. */
  accessTokenSeconds?: number;
  private readonly codes = new Map<string, Code>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, { email: string; scopes: string[]; expiresAt: number }>();
  private readonly hung: ServerResponse[] = [];
  private offsetMs = 0;
  /** Whether the request being answered asked for text bodies (Prefer: outlook.body-content-type="text"); HTML otherwise. */
  private textBodies = false;
  private signingKey?: Awaited<ReturnType<typeof importPKCS8>>;

  private constructor(
    readonly app: { clientId: string; clientSecret: string; redirectUris: string[] },
    private readonly key: string,
    private readonly login: https.Server,
    private readonly graph: https.Server,
  ) {}

  static async start(app: { clientId: string; clientSecret: string; redirectUris: string[] }): Promise<FakeMicrosoft> {
    const pems = await processCertificate();
    const options = { key: pems.private, cert: pems.cert };
    const fake = new FakeMicrosoft(app, pems.private, https.createServer(options), https.createServer(options));
    fake.signingKey = await importPKCS8(pems.private, 'ES256');
    fake.login.on('request', (req, res) => void fake.handle(req, res, 'login'));
    fake.graph.on('request', (req, res) => void fake.handle(req, res, 'graph'));
    await Promise.all(
      [fake.login, fake.graph].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))),
    );
    return fake;
  }

  get loginUrl(): string {
    return `https://127.0.0.1:${(this.login.address() as AddressInfo).port}`;
  }

  get graphUrl(): string {
    return `https://127.0.0.1:${(this.graph.address() as AddressInfo).port}`;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the fake's clock (token and code lifetimes) forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** A work or school account (tenant WORK_TENANT) or a personal one, with its main calendar. */
  addAccount(email: string, options: { personal?: boolean; displayName?: string } = {}): FakeAccount {
    const main: FakeCalendar = { id: `AAMkCal${random(12)}=`, name: 'Calendar', isDefault: true, events: new Map() };
    const account = {
      email,
      displayName: options.displayName ?? email.split('@')[0],
      oid: randomUUID(),
      tid: options.personal ? PERSONAL_TENANT : WORK_TENANT,
      personal: options.personal ?? false,
      calendars: new Map([[main.id, main]]),
    };
    this.accounts.set(email, account);
    return account;
  }

  private account(email: string): FakeAccount {
    const account = this.accounts.get(email);
    if (!account) throw new Error(`no fake account ${email}`);
    return account;
  }

  mainCalendar(email: string): FakeCalendar {
    return [...this.account(email).calendars.values()].find((calendar) => calendar.isDefault)!;
  }

  calendarNamed(email: string, name: string): FakeCalendar | undefined {
    return [...this.account(email).calendars.values()].find((calendar) => calendar.name === name);
  }

  /** Something the user put in their main calendar themselves (a busy time). */
  addEvent(email: string, start: Date, end: Date, showAs = 'busy'): FakeEvent {
    const event = this.newEvent({ subject: 'Own appointment', start, end, showAs });
    this.mainCalendar(email).events.set(event.id, event);
    return event;
  }

  /** The user deletes a calendar in Outlook (its events go with it). */
  deleteCalendar(email: string, calendarId: string): void {
    this.account(email).calendars.delete(calendarId);
  }

  /** The user revokes the app's consent (or their password is reset): every refresh token stops working. */
  revokeGrants(email: string): void {
    for (const token of this.refreshTokens.values()) if (token.email === email) token.revoked = true;
  }

  /** The account's access tokens reach the end of their lifetime (an hour or so has passed), as the fake's clock would say. */
  expireAccessTokens(email: string): void {
    for (const token of this.accessTokens.values()) if (token.email === email) token.expiresAt = this.now() - 1;
  }

  /** The refresh tokens given out for an account (to check that none is stored readable). */
  refreshTokensOf(email: string): string[] {
    return [...this.refreshTokens].filter(([, token]) => token.email === email).map(([value]) => value);
  }

  calls(pattern: RegExp): number {
    return this.requests.filter((request) => pattern.test(`${request.method} ${request.path}`)).length;
  }

  /**
   * The user signs in as `email` on the authorize URL and consents: answers where Microsoft redirects the
   * browser (the redirect URI with a code and the state, or with an error). Throws for a request Microsoft
   * would refuse on its own page instead of redirecting (unknown app, unregistered redirect URI).
   */
  consent(authorizeUrl: string, email: string): string {
    const url = new URL(authorizeUrl);
    const tenant = url.pathname.split('/')[1];
    const query = url.searchParams;
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (clientId !== this.app.clientId)
      throw new Error(`AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
    if (!this.app.redirectUris.includes(redirectUri))
      throw new Error(
        `AADSTS50011: The redirect URI '${redirectUri}' does not match the redirect URIs configured for the application.`,
      );
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries({
        ...params,
        ...(query.get('state') ? { state: query.get('state')! } : {}),
      }))
        target.searchParams.set(name, value);
      return target.toString();
    };
    const account = this.account(email);
    const method = query.get('code_challenge_method') ?? 'plain';
    if (query.get('response_type') !== 'code')
      return back({
        error: 'unsupported_response_type',
        error_description: 'AADSTS70005: response_type is not supported.',
      });
    if (!query.get('code_challenge') || !['S256', 'plain'].includes(method))
      return back({
        error: 'invalid_request',
        error_description: 'AADSTS9002325: Proof Key for Code Exchange is required.',
      });
    if ((tenant === 'consumers' && !account.personal) || (tenant === 'organizations' && account.personal))
      return back({
        error: 'invalid_request',
        error_description: `AADSTS50020: User account '${email}' cannot sign in to '${tenant}'.`,
      });
    const code = `0.A${random(48)}`;
    this.codes.set(code, {
      email,
      clientId,
      redirectUri,
      scopes: (query.get('scope') ?? '').split(' ').filter(Boolean),
      challenge: query.get('code_challenge')!,
      method,
      expiresAt: this.now() + CODE_LIFETIME,
      used: false,
    });
    return back({ code });
  }

  /** The user cancels on the consent page. */
  decline(authorizeUrl: string): string {
    const url = new URL(authorizeUrl);
    const target = new URL(url.searchParams.get('redirect_uri')!);
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
    if (url.searchParams.get('state')) target.searchParams.set('state', url.searchParams.get('state')!);
    return target.toString();
  }

  async stop(): Promise<void> {
    for (const res of this.hung.splice(0)) res.destroy();
    for (const server of [this.login, this.graph]) server.closeAllConnections();
    await Promise.all([this.login, this.graph].map((server) => new Promise((resolve) => server.close(resolve))));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, side: 'login' | 'graph'): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', side === 'login' ? this.loginUrl : this.graphUrl);
    const method = req.method ?? 'GET';
    this.textBodies = /outlook\.body-content-type="text"/.test(String(req.headers.prefer ?? ''));
    this.requests.push({ method, path: `${side === 'login' ? 'login' : 'graph'}${url.pathname}` });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (side === 'login') return this.identity(req, url, raw, send);
    try {
      const access = this.authenticate(req.headers.authorization);
      const fault = this.fault;
      if (fault && fault.times > 0 && (!fault.match || fault.match.test(`${method} ${url.pathname}`))) {
        fault.times -= 1;
        if (fault.kind === 'down') return void req.socket.destroy();
        if (fault.kind === 'hang') return void this.hung.push(res);
        if (fault.kind !== 'lose') {
          if (fault.done) this.graphApi(method, url, raw, access);
          const code = { '429': 'TooManyRequests', '503': 'ServiceUnavailable', '504': 'GatewayTimeout' }[fault.kind];
          const headers: Record<string, string> =
            fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
          throw new GraphRefusal(
            Number(fault.kind),
            code,
            'The request has been throttled or the service is busy.',
            headers,
          );
        }
        this.graphApi(method, url, raw, access);
        return void req.socket.destroy();
      }
      const [status, body] = this.graphApi(method, url, raw, access);
      send(status, body, { 'request-id': randomUUID() });
    } catch (error) {
      if (!(error instanceof GraphRefusal)) throw error;
      const requestId = randomUUID();
      send(
        error.status,
        {
          error: {
            code: error.code,
            message: error.message,
            innerError: {
              date: new Date(this.now()).toISOString().slice(0, 19),
              'request-id': requestId,
              'client-request-id': req.headers['client-request-id'] ?? requestId,
            },
          },
        },
        { 'request-id': requestId, ...error.headers },
      );
    }
  }

  // ---------------------------------------------------------------- identity platform

  private identity(
    req: IncomingMessage,
    url: URL,
    raw: string,
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
  ): void {
    const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
    const path = rest.join('/');
    if (!['common', 'organizations', 'consumers', WORK_TENANT, PERSONAL_TENANT].includes(tenant))
      return this.oauthError(send, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`, req);
    const base = `${this.loginUrl}/${tenant}`;
    if (path === 'v2.0/.well-known/openid-configuration') {
      return send(200, {
        issuer: `${this.loginUrl}/${tenant === 'common' || tenant === 'organizations' || tenant === 'consumers' ? '{tenantid}' : tenant}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        code_challenge_methods_supported: ['plain', 'S256'],
        tenant_region_scope: null,
        cloud_instance_name: 'microsoftonline.com',
        msgraph_host: new URL(this.graphUrl).host,
      });
    }
    if (path === 'discovery/v2.0/keys') {
      return void exportJWK(createPublicKey(this.key)).then((jwk) =>
        send(200, { keys: [{ ...jwk, kid: 'fake', use: 'sig', alg: 'ES256' }] }),
      );
    }
    if (path === 'oauth2/v2.0/authorize' && req.method === 'GET') {
      // A browser with a signed-in user (login_hint) consents at once; otherwise the sign-in page.
      const hint = url.searchParams.get('login_hint');
      if (hint && this.accounts.has(hint))
        return send(302, undefined, { location: this.consent(url.toString(), hint) });
      return send(200, undefined, { 'content-type': 'text/html' });
    }
    if (path === 'oauth2/v2.0/token' && req.method === 'POST')
      return void this.token(req, new URLSearchParams(raw), send);
    return send(404, { error: 'invalid_request', error_description: 'Not found' });
  }

  /** Microsoft's error JSON: the OAuth code and an AADSTS description with trace and correlation ids. */
  private oauthError(
    send: (status: number, body?: unknown) => void,
    status: number,
    error: string,
    code: number,
    description: string,
    req: IncomingMessage,
    suberror?: string,
  ): void {
    const traceId = randomUUID();
    const correlationId = String(req.headers['client-request-id'] ?? randomUUID());
    const timestamp = new Date(this.now()).toISOString().replace('T', ' ').slice(0, 19);
    send(status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}Z`,
      error_codes: [code],
      timestamp: `${timestamp}Z`,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.loginUrl}/error?code=${code}`,
      ...(suberror ? { suberror } : {}),
    });
  }

  private async token(req: IncomingMessage, form: URLSearchParams, send: (status: number, body?: unknown) => void) {
    const refuse = (code: number, description: string, error = 'invalid_grant', suberror?: string) =>
      this.oauthError(send, error === 'invalid_client' ? 401 : 400, error, code, description, req, suberror);
    if (form.get('client_id') !== this.app.clientId)
      return refuse(
        700016,
        `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
        'unauthorized_client',
      );
    if (form.get('client_secret') !== this.app.clientSecret)
      return refuse(7000215, 'Invalid client secret provided.', 'invalid_client');
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    let email: string;
    let scopes: string[];
    if (form.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.clientId !== this.app.clientId)
        return refuse(70000, "The provided value for the 'code' parameter is not valid.");
      if (code.used)
        return refuse(
          54005,
          'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
        );
      if (code.expiresAt < this.now())
        return refuse(70008, 'The provided authorization code or refresh token has expired due to inactivity.');
      code.used = true;
      if (form.get('redirect_uri') !== code.redirectUri)
        return refuse(
          50011,
          'The redirect URI specified in the request does not match the one of the authorization request.',
        );
      const verifier = form.get('code_verifier') ?? '';
      const expected = code.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!verifier || expected !== code.challenge)
        return refuse(
          501481,
          'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        );
      ({ email, scopes } = code);
    } else if (form.get('grant_type') === 'refresh_token') {
      const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant) return refuse(9002313, 'Invalid request. Request is malformed or invalid.');
      if (grant.revoked)
        return refuse(50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed.');
      if (grant.expiresAt < this.now())
        return refuse(
          700082,
          'The refresh token has expired due to inactivity. The token was inactive for 90.00:00:00.',
        );
      const missing = requested.filter((scope) => !grant.scopes.includes(scope) && !OIDC.includes(scope));
      if (missing.length)
        return refuse(
          65001,
          `The user or administrator has not consented to use the application for ${missing.join(' ')}.`,
          'invalid_grant',
          'consent_required',
        );
      ({ email, scopes } = grant);
    } else {
      return refuse(
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type')}'.`,
        'unsupported_grant_type',
      );
    }
    const account = this.account(email);
    const seconds = this.accessTokenSeconds ?? 3600 + Math.floor(Math.random() * 1800);
    const accessToken = `EwB${random(40)}`;
    const refreshToken = `M.C${random(60)}`;
    // Refresh tokens replace themselves on every use; the old one is not revoked (it just ages out).
    this.accessTokens.set(accessToken, { email, scopes, expiresAt: this.now() + seconds * 1000 });
    this.refreshTokens.set(refreshToken, { email, scopes, expiresAt: this.now() + REFRESH_LIFETIME, revoked: false });
    const issuedAt = Math.floor(this.now() / 1000);
    const idToken = await new SignJWT({
      aud: this.app.clientId,
      iss: `${this.loginUrl}/${account.tid}/v2.0`,
      oid: account.oid,
      sub: createHash('sha256').update(`${account.oid}${this.app.clientId}`).digest('base64url'),
      tid: account.tid,
      name: account.displayName,
      preferred_username: account.email,
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'fake', typ: 'JWT' })
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(this.signingKey!);
    send(200, {
      token_type: 'Bearer',
      scope: scopes.filter((scope) => scope !== 'offline_access').join(' '),
      expires_in: seconds,
      ext_expires_in: seconds,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: account.oid, utid: account.tid })).toString('base64url'),
    });
  }

  // ---------------------------------------------------------------- Microsoft Graph

  private authenticate(header: string | undefined): { account: FakeAccount; scopes: string[] } {
    const expired = {
      'www-authenticate': `Bearer realm="", authorization_uri="${this.loginUrl}/common/oauth2/authorize"`,
    };
    const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) throw new GraphRefusal(401, 'InvalidAuthenticationToken', 'Access token is empty.', expired);
    const access = this.accessTokens.get(token);
    if (!access) throw new GraphRefusal(401, 'InvalidAuthenticationToken', 'Access token validation failure.', expired);
    if (access.expiresAt < this.now())
      throw new GraphRefusal(
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
        expired,
      );
    return { account: this.account(access.email), scopes: access.scopes };
  }

  private graphApi(
    method: string,
    url: URL,
    raw: string,
    { account, scopes }: { account: FakeAccount; scopes: string[] },
  ): [number, unknown] {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1.0' || parts[1] !== 'me')
      throw new GraphRefusal(400, 'BadRequest', `Resource not found for the segment '${parts[1]}'.`);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const route = parts.slice(2);
    if (route.length === 0) {
      if (!scopes.includes('User.Read'))
        throw new GraphRefusal(
          403,
          'Authorization_RequestDenied',
          'Insufficient privileges to complete the operation.',
        );
      return [
        200,
        {
          id: account.oid,
          displayName: account.displayName,
          // Personal accounts often have no mail in Graph: their address is the sign-in name.
          mail: account.personal ? null : account.email,
          userPrincipalName: account.email,
        },
      ];
    }
    if (!scopes.includes('Calendars.ReadWrite') && !(method === 'GET' && scopes.includes('Calendars.Read')))
      throw new GraphRefusal(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    if (route[0] === 'calendar') {
      if (route[1] === 'getSchedule' && method === 'POST') return [200, this.getSchedule(account, body)];
      if (route[1] === 'calendarView' && method === 'GET')
        return [200, this.calendarView(this.mainCalendar(account.email), url)];
      if (route.length === 1 && method === 'GET')
        return [200, this.calendarJson(account, this.mainCalendar(account.email))];
      throw notFound();
    }
    if (route[0] !== 'calendars')
      throw new GraphRefusal(400, 'BadRequest', `Resource not found for the segment '${route[0]}'.`);
    if (route.length === 1 && method === 'GET')
      return [200, { value: [...account.calendars.values()].map((calendar) => this.calendarJson(account, calendar)) }];
    if (route.length === 1 && method === 'POST') {
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name) throw new GraphRefusal(400, 'ErrorInvalidRequest', 'The calendar name is missing.');
      if ([...account.calendars.values()].some((calendar) => calendar.name.toLowerCase() === name.toLowerCase()))
        throw new GraphRefusal(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
      const calendar: FakeCalendar = { id: `AAMkCal${random(12)}=`, name, isDefault: false, events: new Map() };
      account.calendars.set(calendar.id, calendar);
      return [201, this.calendarJson(account, calendar)];
    }
    const calendar = account.calendars.get(route[1]);
    if (!calendar) throw notFound();
    if (route.length === 2 && method === 'GET') return [200, this.calendarJson(account, calendar)];
    if (route.length === 2 && method === 'DELETE') {
      account.calendars.delete(calendar.id);
      return [204, undefined];
    }
    if (route[2] === 'calendarView' && method === 'GET') return [200, this.calendarView(calendar, url)];
    if (route[2] !== 'events') throw notFound();
    if (route.length === 3 && method === 'GET') return [200, this.listEvents(calendar, url)];
    if (route.length === 3 && method === 'POST')
      return [201, this.eventJson(this.createEvent(account, calendar, body), url)];
    const event = calendar.events.get(route[3]);
    if (!event) throw notFound();
    if (method === 'GET') return [200, this.eventJson(event, url)];
    if (method === 'PATCH') return [200, this.eventJson(this.updateEvent(account, event, body), url)];
    if (method === 'DELETE') {
      calendar.events.delete(event.id);
      return [204, undefined];
    }
    throw notFound();
  }

  private calendarJson(account: FakeAccount, calendar: FakeCalendar) {
    const providers = account.personal ? ['skypeForConsumer'] : ['teamsForBusiness'];
    return {
      id: calendar.id,
      name: calendar.name,
      color: 'auto',
      isDefaultCalendar: calendar.isDefault,
      canEdit: true,
      canShare: !account.personal,
      isRemovable: !calendar.isDefault,
      allowedOnlineMeetingProviders: providers,
      defaultOnlineMeetingProvider: providers[0],
      owner: { name: account.displayName, address: account.email },
    };
  }

  private newEvent(fields: Partial<FakeEvent> & Pick<FakeEvent, 'start' | 'end'>): FakeEvent {
    return {
      id: `AAMkAGI2${random(30)}=`,
      subject: '',
      body: '',
      location: '',
      showAs: 'busy',
      isOnlineMeeting: false,
      onlineMeetingProvider: null,
      joinUrl: null,
      transactionId: null,
      properties: new Map(),
      changeKey: random(12),
      ...fields,
    };
  }

  /** Teams meetings exist for work and school calendars; a personal calendar makes none. */
  private meeting(account: FakeAccount, event: FakeEvent): void {
    const provider = event.onlineMeetingProvider ?? (account.personal ? 'skypeForConsumer' : 'teamsForBusiness');
    if (!event.isOnlineMeeting || event.joinUrl) return;
    if (account.personal || provider !== 'teamsForBusiness') {
      event.isOnlineMeeting = false;
      return;
    }
    event.onlineMeetingProvider = provider;
    event.joinUrl = `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${random(24)}%40thread.v2/0?context=%7b%22Tid%22%3a%22${account.tid}%22%7d`;
  }

  private applyFields(event: FakeEvent, body: Record<string, unknown>): void {
    if (typeof body.subject === 'string') event.subject = body.subject;
    if (body.body) event.body = String((body.body as { content?: string }).content ?? '');
    if (body.start) event.start = readTime(body.start, 'start');
    if (body.end) event.end = readTime(body.end, 'end');
    if (body.location) event.location = String((body.location as { displayName?: string }).displayName ?? '');
    if (typeof body.showAs === 'string') event.showAs = body.showAs;
    if (typeof body.isOnlineMeeting === 'boolean') event.isOnlineMeeting = body.isOnlineMeeting;
    if (typeof body.onlineMeetingProvider === 'string') event.onlineMeetingProvider = body.onlineMeetingProvider;
    for (const property of (body.singleValueExtendedProperties as { id: string; value: string }[] | undefined) ?? [])
      event.properties.set(property.id, property.value);
    if (event.end < event.start)
      throw new GraphRefusal(
        400,
        'ErrorCalendarEndDateIsEarlierThanStartDate',
        'The end date occurs before the start date.',
      );
    event.changeKey = random(12);
  }

  private createEvent(account: FakeAccount, calendar: FakeCalendar, body: Record<string, unknown>): FakeEvent {
    const transactionId = typeof body.transactionId === 'string' ? body.transactionId : null;
    if (transactionId) {
      // A resent create: the event already made for this transactionId, not a second one.
      for (const each of account.calendars.values())
        for (const event of each.events.values()) if (event.transactionId === transactionId) return event;
    }
    const event = this.newEvent({
      start: readTime(body.start, 'start'),
      end: readTime(body.end, 'end'),
      transactionId,
    });
    this.applyFields(event, body);
    this.meeting(account, event);
    calendar.events.set(event.id, event);
    return event;
  }

  private updateEvent(account: FakeAccount, event: FakeEvent, body: Record<string, unknown>): FakeEvent {
    if (body.transactionId !== undefined && body.transactionId !== event.transactionId)
      throw new GraphRefusal(400, 'ErrorInvalidRequest', 'The transactionId of an event cannot be changed.');
    this.applyFields(event, body);
    this.meeting(account, event);
    return event;
  }

  /** The extended properties that `$expand=singleValueExtendedProperties($filter=id eq '...')` asks for. */
  private expanded(url: URL): string | null {
    const expand = url.searchParams.get('$expand');
    if (!expand) return null;
    const match = /^singleValueExtendedProperties\(\$filter=id eq '((?:[^']|'')*)'\)$/.exec(expand);
    if (!match) throw new GraphRefusal(400, 'BadRequest', `Parsing OData Select and Expand failed: ${expand}`);
    return match[1].replaceAll("''", "'");
  }

  private eventJson(event: FakeEvent, url: URL) {
    const expanded = this.expanded(url);
    const property = expanded === null ? undefined : event.properties.get(expanded);
    return {
      id: event.id,
      changeKey: event.changeKey,
      subject: event.subject,
      // Graph answers bodies as HTML unless the request prefers text.
      body: this.textBodies
        ? { contentType: 'text', content: event.body }
        : {
            contentType: 'html',
            content: `<html><body>${event.body.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('\n', '<br>')}</body></html>`,
          },
      start: graphTime(event.start),
      end: graphTime(event.end),
      location: { displayName: event.location },
      showAs: event.showAs,
      isCancelled: false,
      isOnlineMeeting: event.isOnlineMeeting,
      onlineMeetingProvider: event.onlineMeetingProvider ?? 'unknown',
      onlineMeeting: event.joinUrl ? { joinUrl: event.joinUrl } : null,
      ...(event.transactionId ? { transactionId: event.transactionId } : {}),
      ...(expanded !== null && property !== undefined
        ? { singleValueExtendedProperties: [{ id: expanded, value: property }] }
        : {}),
    };
  }

  /** One page ($top, 10 by default and at most 1000, or fewer), with an @odata.nextLink to the next. */
  private page(events: FakeEvent[], url: URL) {
    const top = Number(url.searchParams.get('$top') ?? 10);
    if (!Number.isInteger(top) || top < 1) throw new GraphRefusal(400, 'BadRequest', 'Invalid $top value.');
    if (top > 1000) throw new GraphRefusal(400, 'BadRequest', "The limit of '1000' for Top query has been exceeded.");
    const skip = Number(url.searchParams.get('$skip') ?? 0);
    const size = Math.min(top, this.pageLimit);
    const value = events.slice(skip, skip + size).map((event) => this.eventJson(event, url));
    if (skip + size >= events.length) return { value };
    const next = new URL(url);
    next.searchParams.set('$skip', String(skip + size));
    return { value, '@odata.nextLink': next.toString() };
  }

  private listEvents(calendar: FakeCalendar, url: URL) {
    const filter = url.searchParams.get('$filter');
    let events = [...calendar.events.values()];
    if (filter) {
      const match =
        /^singleValueExtendedProperties\/Any\(ep: ep\/id eq '((?:[^']|'')*)' and ep\/value eq '((?:[^']|'')*)'\)$/.exec(
          filter,
        );
      if (!match) throw new GraphRefusal(400, 'BadRequest', 'Invalid filter clause');
      const [id, value] = [match[1], match[2]].map((part) => part.replaceAll("''", "'"));
      // Documented: the id's name is compared case-sensitively, the value case-insensitively.
      events = events.filter((event) => event.properties.get(id)?.toLowerCase() === value.toLowerCase());
    }
    return this.page(events, url);
  }

  private calendarView(calendar: FakeCalendar, url: URL) {
    const from = Date.parse(url.searchParams.get('startDateTime') ?? '');
    const to = Date.parse(url.searchParams.get('endDateTime') ?? '');
    if (Number.isNaN(from) || Number.isNaN(to))
      throw new GraphRefusal(
        400,
        'ErrorInvalidParameter',
        'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      );
    const events = [...calendar.events.values()]
      .filter((event) => event.start.getTime() < to && event.end.getTime() > from)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    return this.page(events, url);
  }

  private getSchedule(account: FakeAccount, body: Record<string, unknown>) {
    // Delegated getSchedule is not supported for personal Microsoft accounts.
    if (account.personal)
      throw new GraphRefusal(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    const schedules = body.schedules as string[] | undefined;
    if (!Array.isArray(schedules) || schedules.length === 0 || schedules.length > 20)
      throw new GraphRefusal(400, 'ErrorInvalidParameter', 'schedules must name 1 to 20 users, groups or resources.');
    const from = readTime(body.startTime, 'startTime');
    const to = readTime(body.endTime, 'endTime');
    if (to <= from || to.getTime() - from.getTime() >= SCHEDULE_MAX_MS)
      throw new GraphRefusal(
        400,
        'ErrorInvalidTimeInterval',
        'The time duration specified for FreeBusyViewOptions.TimeWindow is invalid.',
      );
    const interval = Number(body.availabilityViewInterval ?? 30);
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440)
      throw new GraphRefusal(400, 'ErrorInvalidParameter', 'availabilityViewInterval must be between 5 and 1440.');
    const codes: Record<string, string> = { free: '0', tentative: '1', busy: '2', oof: '3', workingElsewhere: '4' };
    return {
      value: schedules.map((address) => {
        const owner = this.accounts.get(address);
        if (!owner || owner.personal || owner.tid !== account.tid)
          return {
            scheduleId: address,
            availabilityView: '',
            scheduleItems: [],
            error: { message: `The user ${address} was not found.`, responseCode: 'ErrorMailRecipientNotFound' },
          };
        // Free/busy is published from the main calendar only.
        const items = [...this.mainCalendar(owner.email).events.values()].filter(
          (event) => event.showAs !== 'free' && event.start < to && event.end > from,
        );
        let view = '';
        for (let slot = from.getTime(); slot < to.getTime(); slot += interval * MINUTE) {
          const inSlot = items.filter(
            (event) => event.start.getTime() < slot + interval * MINUTE && event.end.getTime() > slot,
          );
          view += inSlot.reduce((worst, event) => (codes[event.showAs] > worst ? codes[event.showAs] : worst), '0');
        }
        return {
          scheduleId: address,
          availabilityView: view,
          scheduleItems: items.map((event) => ({
            isPrivate: false,
            status: event.showAs,
            subject: event.subject,
            location: event.location,
            start: graphTime(event.start),
            end: graphTime(event.end),
          })),
          workingHours: {
            daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
            startTime: '08:00:00.0000000',
            endTime: '17:00:00.0000000',
            timeZone: { name: 'UTC' },
          },
        };
      }),
    };
  }
}

const OIDC = ['openid', 'profile', 'email', 'offline_access'];
