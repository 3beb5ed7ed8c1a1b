import escapeHtml from 'escape-html';
import { type Request, type Response, Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { systemContext } from '../core/context';
import { page } from './calendar-page';
import type { ConsentPage, ConsentProvider, OAuthFlows } from '../calendars/oauth-flow';

export interface OAuthRouteDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  flows: OAuthFlows;
  /** The providers set up on this server, by the `kind` in their routes (`google`). */
  providers: Record<string, ConsentProvider>;
  /** PUBLIC_URL is https: the browser cookie is then Secure. */
  secure: boolean;
}

/** The cookie that binds a consent to its browser; sent back only to the OAuth routes. */
const COOKIE = 'oauth_browser';
const COOKIE_PATH = '/oauth/';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function browserCookie(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function show(res: Response, result: ConsentPage): void {
  res.set('cache-control', 'no-store');
  page(res, result.status, result.title, `<h1>${escapeHtml(result.title)}</h1>\n<p>${escapeHtml(result.message)}</p>`);
}

const notConnected = (status: number, message: string): ConsentPage => ({
  status,
  title: 'The calendar was not connected',
  message,
});

const UNKNOWN_KIND = 'This server does not connect such calendars.';
const INVALID_LINK =
  'This link is not valid: it was already used, has expired, or was not made by this server. Start again from your account page.';
const OTHER_BROWSER =
  'This consent was given in another browser than the one that started it, so nothing was connected. Start again from your account page, in this browser.';
const FAILED = 'Something went wrong. Start again from your account page.';

/** The browser cookie's Set-Cookie header; a Max-Age of 0 clears it. */
function cookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** GET /oauth/<kind>/start: binds the consent to this browser, then sends it to the provider's consent page. */
async function start(
  deps: OAuthRouteDeps,
  req: Request<{ kind: string }>,
  res: Response,
  provider: ConsentProvider,
): Promise<void> {
  try {
    const ctx = systemContext(deps.orm, deps.clock);
    const started = await deps.flows.start(ctx, req.params.kind, text(req.query.ticket) ?? '', provider);
    if (!started) return show(res, notConnected(400, INVALID_LINK));
    res
      .status(303)
      .set({
        'set-cookie': cookieHeader(started.browser, 600, deps.secure),
        location: started.consentUrl,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      })
      .end();
  } catch (error) {
    deps.log.error({ err: error }, 'OAuth start failed');
    show(res, notConnected(500, FAILED));
  }
}

/** Why nothing was connected when the provider answers an error (`access_denied`: the user declined). */
function providerRefusal(error: string): string {
  return error === 'access_denied'
    ? 'You declined access, so nothing was connected.'
    : `The answer was "${error.slice(0, 100)}"; nothing was connected.`;
}

/** GET /oauth/<kind>/callback: connects the account only for the browser that started the consent. */
async function callback(
  deps: OAuthRouteDeps,
  req: Request<{ kind: string }>,
  res: Response,
  provider: ConsentProvider,
) {
  res.set('set-cookie', cookieHeader('', 0, deps.secure)); // used once, whatever the outcome
  try {
    const ctx = systemContext(deps.orm, deps.clock);
    const state = text(req.query.state);
    if (!state) return show(res, notConnected(400, 'The answer has no state. Start again from your account page.'));
    const returned = await deps.flows.finish(ctx, req.params.kind, state, browserCookie(req));
    if (!returned.ok)
      return show(res, notConnected(400, returned.why === 'other-browser' ? OTHER_BROWSER : INVALID_LINK));
    const error = text(req.query.error);
    if (error) return show(res, notConnected(400, providerRefusal(error)));
    const code = text(req.query.code);
    if (!code) return show(res, notConnected(400, 'The answer has no code. Start again from your account page.'));
    show(res, await provider.complete(ctx, returned.providerId, code, returned.codeVerifier));
  } catch (error) {
    deps.log.error({ err: error }, 'OAuth callback failed');
    show(res, notConnected(500, FAILED));
  }
}

/**
 * GET /oauth/<kind>/start?ticket=…: the start link `connect…Calendar` answers. It binds the consent to this
 * browser (a cookie), then sends it to the provider's consent page. GET /oauth/<kind>/callback: where the
 * provider sends the browser back; it connects the account only for the browser that started (oauth-flow.ts).
 */
export function oauthRoutes(deps: OAuthRouteDeps): Router {
  const router = Router();
  const providerOf = (req: Request<{ kind: string }>) =>
    Object.hasOwn(deps.providers, req.params.kind) ? deps.providers[req.params.kind] : undefined;
  router.get('/oauth/:kind/start', async (req, res) => {
    const provider = providerOf(req);
    if (!provider) return show(res, notConnected(404, UNKNOWN_KIND));
    await start(deps, req, res, provider);
  });
  router.get('/oauth/:kind/callback', async (req, res) => {
    const provider = providerOf(req);
    if (!provider) return show(res, notConnected(404, UNKNOWN_KIND));
    await callback(deps, req, res, provider);
  });
  return router;
}
