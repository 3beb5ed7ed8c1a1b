import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import proxyAddr from 'proxy-addr';
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import type { CalendarFeedService } from '../calendars/feed.service';
import { feedRoute } from './feed-route';
import type { RequestContext } from '../core/context';
import { run } from '../core/sql';
import { metrics } from '../infra/metrics';
import { accessLog } from './access-log';
import { answerBudgetPlugin } from './answer-budget';
import { bookingMetrics } from './booking-metrics';
import { errorBody, errorFormatter } from './errors';
import { graphqlRoute, type NodeMiddleware } from './graphql-route';
import { ping } from './health.sql';
import { requestIdInErrors } from './request-id-errors';
import { metricsAccess } from './metrics-access';
import { compiledExecution } from './compiled-execution';
import { costLimitPlugin, LIMIT_RULES, PARSE_OPTIONS } from './operation-limits';
import { bookingPage } from './booking-page';
import { answerRequestError } from './request-limits';
import { securityHeaders } from './security-headers';
import { verifyEmailPage } from './verify-email-page';
import { managePage } from './manage-page';
import type { ManageService } from '../guests/manage.service';
import type { GuestBookingService } from '../guests/guest-booking.service';
import { calendarPage } from './calendar-page';
import { servicePage } from './service-page';
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

/** What /health names: this package's name and version, read once from its package.json. */
const SERVED: { service: string; version: string } = (() => {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
  return { service: name, version };
})();

/** The client may send a request this long, headers included (Node's defaults: 5 minutes, headers 60 s). */
const SERVER_OPTIONS: http.ServerOptions = {
  requestTimeout: REQUEST_TIMEOUT_MS,
  headersTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: TIMEOUT_CHECK_MS,
};

/** Whether the request came over https, as Express's `req.secure` reads it: from the socket, or a trusted proxy's X-Forwarded-Proto. */
function overHttps(trust: (address: string | undefined, hop: number) => boolean) {
  return (req: http.IncomingMessage): boolean => {
    const own = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    if (!trust(req.socket.remoteAddress, 0)) return own === 'https';
    const header = String(req.headers['x-forwarded-proto'] || own);
    return header.split(',')[0].trim() === 'https';
  };
}

/** Apollo Server, started: it drains `server` on stop. */
async function startApollo(deps: HttpDeps, server: http.Server): Promise<ApolloServer<RequestContext>> {
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
  return apollo;
}

/** /health and /metrics: what operators and their probes ask. */
function operatorRoutes(app: Express, deps: HttpDeps): void {
  app.get('/health', async (_req, res) => {
    try {
      await run(deps.orm.em, ping());
      res.json({ status: 'ok', ...SERVED });
    } catch {
      res.status(503).json({ status: 'unavailable', ...SERVED });
    }
  });
  app.get('/metrics', metricsAccess(deps.settings), async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
}

/** The pages and the routes beside GraphQL: assets, calendar and booking pages, feeds, uploads, webhooks, OAuth. */
function pageRoutes(app: Express, deps: HttpDeps): void {
  const { orm, clock, log } = deps;
  app.use(WEB_ASSETS_PATH, webAssets());
  app.use(calendarPage({ schema: deps.schema, orm, clock, log }));
  app.use(servicePage({ schema: deps.schema, orm, clock, log }));
  app.use(feedRoute({ orm, clock, log, feeds: deps.feeds }));
  app.use(imageRoutes({ orm, tokens: deps.tokens, clock, images: deps.images, rateLimits: deps.rateLimits, log }));
  app.use(bookingPage({ orm, links: deps.links, log }));
  app.use(managePage({ orm, clock, log, manage: deps.manage, guests: deps.guests }));
  app.use(verifyEmailPage({ orm, clock, log, accounts: deps.accounts }));
  app.use(stripeWebhook({ orm, stripe: deps.stripe, paymentEvents: deps.paymentEvents, log }));
  app.use(
    oauthRoutes({
      orm,
      clock,
      log,
      flows: deps.calendars.flows,
      providers: deps.calendars.consentProviders(),
      secure: deps.settings.publicUrl.startsWith('https:'),
    }),
  );
}

/** What no route answered: 404, and every error as JSON (Express's own handler answers HTML with the stack). */
function fallbacks(app: Express, log: Logger): void {
  const failed = answerRequestError(log);
  app.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('Not found', 'NOT_FOUND'));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => failed(error, res));
}

/** The HTTP server: GraphQL (and its explorer) on /graphql, /health, /metrics, the calendar pages and the Stripe webhook. Apollo drains it on stop. */
export async function createHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.settings.trustProxy);
  const trust = app.get('trust proxy fn');
  const clientAddress = (request: http.IncomingMessage) => proxyAddr(request, trust);
  // Connect middleware: its types name Express's request, but it needs only Node's.
  const compress = compression() as unknown as NodeMiddleware;
  const common = [accessLog(deps.log), compress, securityHeaders(deps.settings, overHttps(trust))];
  app.use(...common);
  const server = http.createServer(SERVER_OPTIONS);
  const apollo = await startApollo(deps, server);
  // GraphQL first: its requests, nearly all of them, pass no other route on the way.
  const graphql = graphqlRoute(app, { ...deps, apollo, clientAddress, common });
  operatorRoutes(app, deps);
  pageRoutes(app, deps);
  fallbacks(app, deps.log);
  server.on('request', (req, res) => graphql(req, res) || app(req, res));
  return { server, apollo, clientAddress };
}
