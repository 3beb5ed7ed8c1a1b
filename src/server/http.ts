import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import cors from 'cors';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { RequestContext } from '../core/context';
import { metrics } from '../core/metrics';
import { calendarPage } from './calendar-page';
import { errorFormatter } from './errors';
import { explorerPage } from './explorer';
import type { PaymentEventService } from '../payments/payment-events.service';
import type { StripeGateway } from '../payments/stripe-gateway';
import { stripeWebhook } from './stripe-webhook';
import type { Tokens } from './tokens';
import { WEB_ASSETS_PATH, webAssets } from './web-assets';

export interface HttpDeps {
  orm: MikroORM;
  schema: GraphQLSchema;
  tokens: Tokens;
  clock: Clock;
  log: Logger;
  paymentEvents: PaymentEventService;
  stripe?: StripeGateway;
  /** The explorer at GET /graphql and introspection. */
  explorer: boolean;
  corsOrigins: string[];
}

/** The HTTP server: GraphQL (and its explorer) on /graphql, /health, /metrics, the calendar pages and the Stripe webhook. Apollo drains it on stop. */
export async function createHttpServer(deps: HttpDeps): Promise<{ server: http.Server; apollo: ApolloServer<RequestContext> }> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
    formatError: errorFormatter(deps.log),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts owns shutdown: HTTP, then the ORM, then the database
    introspection: deps.explorer,
    // Apollo's landing page loads Sandbox from a CDN; ours is bundled (explorer.ts).
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.get('/health', async (_req, res) => {
    try {
      await deps.orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  app.use(WEB_ASSETS_PATH, webAssets());
  app.use(calendarPage({ schema: deps.schema, orm: deps.orm, clock: deps.clock, log: deps.log }));
  app.use(stripeWebhook({ orm: deps.orm, stripe: deps.stripe, paymentEvents: deps.paymentEvents, log: deps.log }));

  // Only the listed origins get CORS headers (preflights included); others get none, so browsers refuse them.
  app.use('/graphql', cors({ origin: (origin, allow) => allow(null, origin !== undefined && deps.corsOrigins.includes(origin)), methods: ['GET', 'POST'], maxAge: 600 }));
  if (deps.explorer) app.get('/graphql', explorerPage());
  app.use(
    '/graphql',
    // Larger than any valid request, so that long notes are refused by the domain with a named field.
    express.json({ limit: '4mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<RequestContext> => ({
        em: deps.orm.em.fork(),
        actor: await deps.tokens.fromHeader(req.headers.authorization),
        clock: deps.clock,
        ip: req.ip,
        userAgent: req.get('user-agent'),
      }),
    }),
  );
  return { server, apollo };
}
