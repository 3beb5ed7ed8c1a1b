import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { NodeMiddleware } from './graphql-route';

/**
 * The Content-Security-Policy of every answer. The pages (the explorer, the calendar page, booking pages)
 * load only their own bundles from /assets: GraphiQL's editor (Monaco) runs workers from there and sets
 * styles inline, and the explorer and the calendar talk to /graphql over fetch and WebSocket. No page may
 * be framed. A route that is to be embedded (the calendar page, by a provider's setting) sends these
 * directives again with its own `frameAncestors`; browsers then ignore X-Frame-Options.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  workerSrc: ["'self'"],
};

/**
 * The pages the server renders itself (the calendar page, booking pages) hold no inline style or script
 * at all: a name that slipped past escaping still could not run, nor restyle the page.
 */
export const pagePolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: { ...CSP_DIRECTIVES, styleSrc: ["'self'"], workerSrc: ["'none'"] },
});

/** HSTS for 180 days (helmet's default) with subdomains; only over https, where browsers heed it. */
const hsts = helmet.strictTransportSecurity();

/**
 * Security headers on every answer (helmet): the CSP above, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer` (booking links carry their signature),
 * `Cross-Origin-Resource-Policy: same-origin` but for uploaded images, which other sites show. HSTS in
 * production, or when the request came over https (`overHttps`: `TRUST_PROXY` lets a proxy say so).
 */
export function securityHeaders(
  settings: { production: boolean },
  overHttps: (req: IncomingMessage) => boolean,
): NodeMiddleware {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  });
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) =>
    headers(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (req.url?.startsWith('/images/')) res.setHeader('cross-origin-resource-policy', 'cross-origin');
      if (settings.production || overHttps(req)) hsts(req, res, next);
      else next();
    });
}
