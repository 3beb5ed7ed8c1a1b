import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestDuration } from '../infra/latency-metrics';
import { requestIdOf, withRequestId } from '../core/request-id';
import type { NodeMiddleware } from './graphql-route';

/** The first path segments the server routes; any other path is counted as `other`, so labels stay few. */
const ROUTES = new Set([
  'graphql',
  'health',
  'metrics',
  'assets',
  'calendar',
  'calendars',
  'bookings',
  'images',
  'uploads',
  'webhooks',
  'oauth',
]);

/** The path without its query (links' signatures, OAuth codes) and without a calendar feed's secret token. */
function pathForLog(url: string): string {
  return url.split('?')[0].replace(/^\/calendars\/[^/]+/, '/calendars/…');
}

function routeOf(url: string | undefined): string {
  const first = (url ?? '/').split(/[/?]/)[1] ?? '';
  return ROUTES.has(first) ? `/${first}` : 'other';
}

/**
 * Every request gets an id (its X-Request-Id when plain and short, else a new one), answered in the
 * X-Request-Id header and carried by everything the request runs (its error answers, the jobs it queues);
 * one access log line (pino-http) and the latency histogram record how it ended.
 */
export function accessLog(log: Logger): NodeMiddleware {
  const logRequest = pinoHttp<IncomingMessage, ServerResponse>({
    logger: log,
    genReqId: (req, res) => {
      const id = requestIdOf(req.headers['x-request-id']);
      res.setHeader('x-request-id', id);
      return id;
    },
    // Headers carry tokens and cookies: only what says what was asked.
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: pathForLog(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    // Express has cut the mount path off req.url by then: originalUrl is the path asked for.
    customSuccessMessage: (req, res) =>
      `${req.method} ${routeOf((req as { originalUrl?: string }).originalUrl ?? req.url)} ${res.statusCode}`,
  });
  return (req, res, next) => {
    const end = requestDuration.startTimer({ route: routeOf(req.url), method: req.method });
    res.once('finish', () => end({ status: String(res.statusCode) }));
    logRequest(req, res);
    withRequestId(String(req.id), next);
  };
}
