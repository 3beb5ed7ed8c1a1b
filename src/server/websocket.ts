import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, NoSchemaIntrospectionCustomRule, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import type { Disposable } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Actor } from '../core/context';
import type { Clock } from '../core/clock';
import { DomainError } from '../core/errors';
import type { LiveContext } from '../live/live.resolver';
import type { LiveService } from '../live/live.service';
import { errorFormatter } from './errors';
import type { Tokens } from './tokens';

const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
const KEEP_ALIVE_MS = 12_000;

export interface WebSocketDeps {
  server: http.Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  tokens: Tokens;
  clock: Clock;
  live: LiveService;
  log: Logger;
  introspection: boolean;
}

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql. The token is read once at
 * connection_init: a bad one closes the socket with 4403; no token is anonymous. Each operation gets an
 * EntityManager of its own.
 */
export function attachWebSocket(deps: WebSocketDeps): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server: deps.server, path: '/graphql', maxPayload: 256 * 1024 });
  const format = errorFormatter(deps.log);
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => format(error.toJSON(), error));
  const disposable: Disposable = useServer<Record<string, unknown>, { actor?: Actor }>(
    {
      schema: deps.schema,
      validate: deps.introspection ? undefined : (schema, document) => validate(schema, document, [...specifiedRules, NoSchemaIntrospectionCustomRule]),
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization;
        if (header === undefined) return true;
        const actor = await deps.tokens.fromHeader(header);
        if (!actor) return false;
        ctx.extra.actor = actor;
        return true;
      },
      onSubscribe: (ctx) => {
        // The count already includes the subscription being started.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          const message = `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`;
          return [new GraphQLError(message, { originalError: new DomainError('RATE_LIMITED', message) })];
        }
      },
      context: (ctx): LiveContext => {
        return {
          em: deps.orm.em.fork(), // one per operation: built once per subscribe, so it lives as long as the subscription
          actor: ctx.extra.actor,
          clock: deps.clock,
          live: deps.live,
          ip: ctx.extra.request.socket.remoteAddress,
          userAgent: ctx.extra.request.headers['user-agent'],
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatAll(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
    },
    wss,
    KEEP_ALIVE_MS,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
