import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { RequestContext } from '../core/context';
import { metrics } from '../core/metrics';
import { bookingMetrics } from './booking-metrics';
import { errorFormatter } from './errors';
import { idempotency } from './idempotency';
import type { PaymentEventService } from '../payments/payment-events.service';
import type { StripeGateway } from '../payments/stripe-gateway';
import { stripeWebhook } from './stripe-webhook';
import type { Tokens } from './tokens';

export interface HttpDeps {
  orm: MikroORM;
  schema: GraphQLSchema;
  tokens: Tokens;
  clock: Clock;
  log: Logger;
  paymentEvents: PaymentEventService;
  stripe?: StripeGateway;
}

/** The HTTP server: GraphQL on /graphql, /health, /metrics and the Stripe webhook. Apollo drains it on stop. */
export async function createHttpServer(deps: HttpDeps): Promise<{ server: http.Server; apollo: ApolloServer<RequestContext> }> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
    formatError: errorFormatter(deps.log),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts owns shutdown: HTTP, then the ORM, then the database
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), bookingMetrics(deps.orm, deps.clock)],
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

  app.use(stripeWebhook({ orm: deps.orm, stripe: deps.stripe, paymentEvents: deps.paymentEvents, log: deps.log }));

  app.use(
    '/graphql',
    // Larger than any valid request, so that long notes are refused by the domain with a named field.
    express.json({ limit: '4mb' }),
    idempotency({ orm: deps.orm, clock: deps.clock, log: deps.log, tokens: deps.tokens }),
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
