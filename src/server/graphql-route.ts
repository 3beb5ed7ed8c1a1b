import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import cors from 'cors';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Tokens } from '../accounts/tokens';
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import { type Actor, LazyContext, type RequestContext } from '../core/context';
import { explorerPage } from './explorer';
import { idempotency } from './idempotency';
import { startDeadline } from './operation-deadline';
import { answerRequestError, jsonBody, queryLength } from './request-limits';

/** Connect-style middleware on Node's own request and response: what runs both in Express and without it. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface GraphQLRouteDeps {
  apollo: ApolloServer<RequestContext>;
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  tokens: Tokens;
  settings: Pick<Config, 'corsOrigins' | 'explorer' | 'jwtSecret' | 'operationTimeoutMs'>;
  /** The client's address, TRUST_PROXY applied. */
  clientAddress(request: IncomingMessage): string;
  /** What runs before every route: request id and access log, compression, security headers. */
  common: NodeMiddleware[];
}

type Context = (req: IncomingMessage) => Promise<RequestContext>;

/** The GraphQL context of an HTTP request, its deadline started. */
function graphqlContext(deps: GraphQLRouteDeps, actors: WeakMap<IncomingMessage, Actor | undefined>): Context {
  return async (req) => {
    // A bad, expired or revoked token refuses the whole request (401); no token is anonymous. The session
    // check is one raw statement: it needs no EntityManager of the request's own. An Idempotency-Key
    // request had its token checked already (idempotency.ts).
    const actor = actors.has(req)
      ? actors.get(req)
      : await deps.tokens.authenticate(deps.orm.em, req.headers.authorization);
    const context = new LazyContext(deps.orm, deps.clock, {
      actor,
      ip: deps.clientAddress(req),
      userAgent: req.headers['user-agent'],
      acceptLanguage: req.headers['accept-language'],
    });
    startDeadline(context, deps.settings.operationTimeoutMs);
    return context;
  };
}

/** Only the listed origins get CORS headers (preflights included); others get none, so browsers refuse them. */
function corsFor(origins: string[]): NodeMiddleware {
  return cors({
    origin: (origin, allow) => allow(null, origin !== undefined && origins.includes(origin)),
    methods: ['GET', 'POST'],
    maxAge: 600,
  }) as NodeMiddleware;
}

/** Apollo's answer on Node's response, as Apollo's Express integration writes it. */
async function writeAnswer(res: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(answer.body.string));
    res.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) {
    res.write(chunk);
    (res as { flush?: () => void }).flush?.(); // compression's: each part goes out as it comes
  }
  res.end();
}

/** Runs GraphQL for a request whose body (if any) is parsed: Apollo's own HTTP handling, on Node's request and response. */
function executeGraphQL(apollo: ApolloServer<RequestContext>, context: Context) {
  return async (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method ?? 'GET',
        headers,
        search: query < 0 ? '' : url.slice(query),
        body: req.body,
      },
      context: () => context(req),
    });
    await writeAnswer(res, answer);
  };
}

/** Runs middleware in turn, then `last`; the first failure is answered as Express's error handler would. */
function chain(
  steps: NodeMiddleware[],
  last: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  failed: (error: unknown, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const step =
      (index: number) =>
      (error?: unknown): void => {
        if (error) return failed(error, res);
        if (index === steps.length) return void last(req, res).catch((failure: unknown) => failed(failure, res));
        try {
          steps[index](req, res, step(index + 1));
        } catch (failure) {
          failed(failure, res);
        }
      };
    step(0)();
  };
}

/**
 * GraphQL over HTTP on /graphql: the same steps (CORS, the body's limits, Idempotency-Key) and the same
 * execution (Apollo's own `executeHTTPGraphQLRequest`) on both ways in. A POST, nearly every request, is
 * served straight from Node's request handler, without Express's router and request/response wrapping
 * (less CPU a request); the rest (the explorer and GET queries, preflights, `/graphql/`) reaches them
 * through Express. The handler answers a request it takes and returns true; false leaves it to Express.
 */
export function graphqlRoute(app: Express, deps: GraphQLRouteDeps) {
  const actors = new WeakMap<IncomingMessage, Actor | undefined>();
  const execute = executeGraphQL(deps.apollo, graphqlContext(deps, actors));
  const allowOrigins = corsFor(deps.settings.corsOrigins);
  const checks: NodeMiddleware[] = [
    jsonBody(),
    queryLength,
    idempotency({ ...deps, secret: deps.settings.jwtSecret, actors }),
  ];
  app.use('/graphql', allowOrigins);
  if (deps.settings.explorer) app.get('/graphql', explorerPage());
  app.use('/graphql', ...checks, (req, res, next) => void execute(req, res).catch(next));
  const direct = chain([...deps.common, allowOrigins, ...checks], execute, answerRequestError(deps.log));
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
    direct(req, res);
    return true;
  };
}
