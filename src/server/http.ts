import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import compression from 'compression';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import proxyAddr from 'proxy-addr';
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import type { CalendarFeedService } from '../calendars/feed.service';
import { feedRoute } from './feed-route';
import { LazyContext, type Actor, type RequestContext } from '../core/context';
import { metrics } from '../core/metrics';
import { accessLog } from './access-log';
import { answerBudgetPlugin } from './answer-budget';
import { bookingMetrics } from './booking-metrics';
import { errorBody, errorFormatter } from './errors';
import { idempotency } from './idempotency';
import { requestIdInErrors } from './request-id-errors';
import { metricsAccess } from './metrics-access';
import { compiledExecution } from './compiled-execution';
import { startDeadline } from './operation-deadline';
import { costLimitPlugin, LIMIT_RULES, PARSE_OPTIONS } from './operation-limits';
import { bookingPage } from './booking-page';
import { jsonBody, MAX_BODY, MAX_JSON_DEPTH, queryLength } from './request-limits';
import { securityHeaders } from './security-headers';
import { verifyEmailPage } from './verify-email-page';
import { managePage } from './manage-page';
import type { ManageService } from '../guests/manage.service';
import type { GuestBookingService } from '../guests/guest-booking.service';
import { calendarPage } from './calendar-page';
import { servicePage } from './service-page';
import { explorerPage } from './explorer';
import type { Links } from '../notifications/links';
import type { PaymentEventService } from '../payments/payment-events.service';
import type { StripeGateway } from '../integrations/stripe/stripe-gateway';
import { stripeWebhook } from './stripe-webhook';
import { oauthRoutes } from './oauth-routes';
import type { CalendarService } from '../calendars/calendar.service';
import type { ImageService } from '../images/image.service';
import type { AccountService } from '../accounts/account.service';
import type { RateLimits } from '../accounts/rate-limits';
import { imageRoutes } from './uploads';
import type { Tokens } from '../accounts/tokens';
import { packageRoot, WEB_ASSETS_PATH, webAssets } from './web-assets';

/** How long a client may take to send a whole request, headers and body (Node's default is 5 minutes). */
const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for requests past that time: its default of 30 s let a slow client keep its socket up to 60 s. */
const TIMEOUT_CHECK_MS = 1_000;

export type HttpSettings = Pick<
  Config,
  | 'trustProxy'
  | 'metricsToken'
  | 'production'
  | 'operationTimeoutMs'
  | 'explorer'
  | 'corsOrigins'
  | 'shutdownTimeoutMs'
  | 'jwtSecret'
  | 'publicUrl'
>;

export interface HttpDeps {
  orm: MikroORM;
  schema: GraphQLSchema;
  tokens: Tokens;
  clock: Clock;
  log: Logger;
  paymentEvents: PaymentEventService;
  calendars: CalendarService;
  stripe?: StripeGateway;
  feeds: CalendarFeedService;
  images: ImageService;
  rateLimits: RateLimits;
  links: Links;
  accounts: AccountService;
  manage: ManageService;
  guests: GuestBookingService;
  settings: HttpSettings;
}

export interface HttpServer {
  server: http.Server;
  apollo: ApolloServer<RequestContext>;
  /** The client's address as Express sees it (TRUST_PROXY applied), for requests Express does not route. */
  clientAddress(request: http.IncomingMessage): string;
}

/** What the client did wrong, in our words: body-parser's own messages quote the body. */
function describeRequestError(error: { status?: number; type?: string }): { status: number; message: string } {
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (error.type === 'entity.parse.failed') return { status, message: 'The body is not valid JSON' };
  if (error.type === 'entity.too.large') return { status, message: `The body is larger than ${MAX_BODY}` };
  if (error.type === 'entity.too.deep')
    return { status, message: `The body nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported')
    return { status, message: 'The body must be UTF-8 JSON' };
  return { status, message: status === 500 ? 'Internal server error' : 'Bad request' };
}

/** What /health names: this package's name and version, read once from its package.json. */
const SERVED: { service: string; version: string } = (() => {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
  return { service: name, version };
})();

/** The HTTP server: GraphQL (and its explorer) on /graphql, /health, /metrics, the calendar pages and the Stripe webhook. Apollo drains it on stop. */
export async function createHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.settings.trustProxy);
  app.use(accessLog(deps.log), compression(), securityHeaders(deps.settings));
  const server = http.createServer(
    // Headers get no longer than the whole request (Node's own default gives them 60 s).
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    app,
  );
  const apollo = new ApolloServer<RequestContext>({
    gateway: compiledExecution(deps.schema),
    formatError: errorFormatter(deps.log),
    includeStacktraceInErrorResponses: false,
    logger: deps.log,
    parseOptions: PARSE_OPTIONS,
    validationRules: LIMIT_RULES,
    stopOnTerminationSignals: false, // main.ts owns shutdown: HTTP, then the ORM, then the database
    introspection: deps.settings.explorer,
    // Apollo's landing page loads Sandbox from a CDN; ours is bundled (explorer.ts).
    plugins: [
      // In-flight requests get half of the shutdown time; then their connections are closed, so stopping ends in time.
      ApolloServerPluginDrainHttpServer({
        httpServer: server,
        stopGracePeriodMillis: deps.settings.shutdownTimeoutMs / 2,
      }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's default plugins serve Apollo's cloud and HTTP caches, neither used here; cache control alone
      // wraps every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      costLimitPlugin,
      answerBudgetPlugin,
      bookingMetrics(deps.orm, deps.clock),
      requestIdInErrors,
    ],
  });
  await apollo.start();

  // GraphQL first: its requests, nearly all of them, pass no other route on the way.
  // Only the listed origins get CORS headers (preflights included); others get none, so browsers refuse them.
  app.use(
    '/graphql',
    cors({
      origin: (origin, allow) => allow(null, origin !== undefined && deps.settings.corsOrigins.includes(origin)),
      methods: ['GET', 'POST'],
      maxAge: 600,
    }),
  );
  if (deps.settings.explorer) app.get('/graphql', explorerPage());
  app.use(
    '/graphql',
    jsonBody(),
    queryLength,
    idempotency({
      orm: deps.orm,
      clock: deps.clock,
      log: deps.log,
      tokens: deps.tokens,
      secret: deps.settings.jwtSecret,
    }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        // A bad, expired or revoked token refuses the whole request (401); no token is anonymous. The session
        // check is one raw statement: it needs no EntityManager of the request's own.
        const actor =
          'actor' in res.locals
            ? (res.locals.actor as Actor | undefined)
            : await deps.tokens.authenticate(deps.orm.em, req.headers.authorization);
        const context = new LazyContext(deps.orm, deps.clock, {
          actor,
          ip: req.ip,
          userAgent: req.get('user-agent'),
          acceptLanguage: req.get('accept-language'),
        });
        startDeadline(context, deps.settings.operationTimeoutMs);
        return context;
      },
    }),
  );

  app.get('/health', async (_req, res) => {
    try {
      await deps.orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok', ...SERVED });
    } catch {
      res.status(503).json({ status: 'unavailable', ...SERVED });
    }
  });

  app.get('/metrics', metricsAccess(deps.settings), async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  app.use(WEB_ASSETS_PATH, webAssets());
  app.use(calendarPage({ schema: deps.schema, orm: deps.orm, clock: deps.clock, log: deps.log }));
  app.use(servicePage({ schema: deps.schema, orm: deps.orm, clock: deps.clock, log: deps.log }));
  app.use(feedRoute({ orm: deps.orm, clock: deps.clock, log: deps.log, feeds: deps.feeds }));
  app.use(
    imageRoutes({
      orm: deps.orm,
      tokens: deps.tokens,
      clock: deps.clock,
      images: deps.images,
      rateLimits: deps.rateLimits,
      log: deps.log,
    }),
  );
  app.use(bookingPage({ orm: deps.orm, links: deps.links, log: deps.log }));
  app.use(managePage({ orm: deps.orm, clock: deps.clock, log: deps.log, manage: deps.manage, guests: deps.guests }));
  app.use(verifyEmailPage({ orm: deps.orm, clock: deps.clock, log: deps.log, accounts: deps.accounts }));
  app.use(stripeWebhook({ orm: deps.orm, stripe: deps.stripe, paymentEvents: deps.paymentEvents, log: deps.log }));
  app.use(
    oauthRoutes({
      orm: deps.orm,
      clock: deps.clock,
      log: deps.log,
      flows: deps.calendars.flows,
      providers: deps.calendars.consentProviders(),
      secure: deps.settings.publicUrl.startsWith('https:'),
    }),
  );

  app.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('Not found', 'NOT_FOUND'));
  });
  // Express's own handler answers HTML with the stack outside production: every error is answered here.
  app.use((error: { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = describeRequestError(error);
    if (status === 500) deps.log.error({ err: error }, 'request failed');
    res.status(status).json(errorBody(message, status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'));
  });
  return { server, apollo, clientAddress: (request) => proxyAddr(request, app.get('trust proxy fn')) };
}
