import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { Disposable, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Actor } from '../core/context';
import type { Clock } from '../core/clock';
import { DomainError } from '../core/errors';
import type { LiveContext } from '../live/live.resolver';
import type { LiveService } from '../live/live.service';
import { errorFormatter } from './errors';
import { startDeadline } from './operation-deadline';
import { costError, LIMIT_RULES, PARSE_OPTIONS } from './operation-limits';
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
  /** The client's address, proxies trusted as for HTTP. */
  clientAddress(request: http.IncomingMessage): string;
  maxSocketsPerClient: number;
  operationTimeoutMs: number;
  /** Whether introspection is allowed (EXPLORER=off turns it off). */
  introspection: boolean;
}

const requestError = (error: GraphQLError, code: string) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code } });

/**
 * What Apollo does for HTTP, done for a subscribe message: parse (token limit), validate (with the
 * depth, alias and directive limits), coerce the variables, then check the cost. Errors carry the codes
 * HTTP gives them; a valid operation comes back ready to execute.
 */
function checkOperation(schema: GraphQLSchema, payload: SubscribePayload, introspection: boolean): ExecutionArgs | readonly GraphQLError[] {
  let document;
  try {
    document = parse(payload.query, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [requestError(error, 'GRAPHQL_PARSE_FAILED')]; // the error formatter tells the token limit apart
  }
  const invalid = validate(schema, document, [...specifiedRules, ...LIMIT_RULES, ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])]);
  if (invalid.length) return invalid.map((error) => (error.originalError ? error : requestError(error, 'GRAPHQL_VALIDATION_FAILED')));
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return [new GraphQLError('Name the operation to run (operationName)', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
  const variables = payload.variables ?? {};
  const badVariables = getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors;
  if (badVariables) return badVariables.map((error) => requestError(error, 'BAD_USER_INPUT'));
  const tooCostly = costError(schema, document, variables, payload.operationName);
  return tooCostly ? [tooCostly] : { schema, document, variableValues: variables, operationName: payload.operationName };
}

/** Open sockets per client address; a client at the limit is refused at the handshake with 429. */
class SocketCap {
  private readonly open = new Map<string, number>();

  constructor(private readonly deps: Pick<WebSocketDeps, 'clientAddress' | 'maxSocketsPerClient'>) {}

  /** ws's verifyClient: when it accepts, ws emits 'connection' in the same tick, so no handshake slips between. */
  readonly verify = (info: { req: http.IncomingMessage }, accept: (ok: boolean, code?: number, message?: string) => void): void => {
    if ((this.open.get(this.deps.clientAddress(info.req)) ?? 0) < this.deps.maxSocketsPerClient) accept(true);
    else accept(false, 429, `At most ${this.deps.maxSocketsPerClient} connections per client`);
  };

  readonly track = (socket: WebSocket, request: http.IncomingMessage): void => {
    const address = this.deps.clientAddress(request);
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
    socket.once('close', () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    });
  };
}

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql. The token is checked once at
 * connection_init, as on HTTP: a bad, expired or revoked one closes the socket with 4403; no token is
 * anonymous. Each operation gets an EntityManager of its own.
 */
export function attachWebSocket(deps: WebSocketDeps): { close(): Promise<void> } {
  const cap = new SocketCap(deps);
  const wss = new WebSocketServer({ server: deps.server, path: '/graphql', maxPayload: 256 * 1024, verifyClient: cap.verify });
  wss.on('connection', cap.track);
  const format = errorFormatter(deps.log);
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => format(error.toJSON(), error));
  const disposable: Disposable = useServer<Record<string, unknown>, { actor?: Actor }>(
    {
      schema: deps.schema,
      onConnect: async (ctx) => {
        try {
          ctx.extra.actor = await deps.tokens.authenticate(deps.orm.em.fork(), ctx.connectionParams?.authorization);
          return true;
        } catch (error) {
          if (error instanceof GraphQLError) return false; // refused: close 4403
          throw error;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        // The count already includes the subscription being started.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          const message = `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`;
          return [new GraphQLError(message, { originalError: new DomainError('RATE_LIMITED', message) })];
        }
        return checkOperation(deps.schema, payload, deps.introspection);
      },
      context: (ctx, _id, _payload, args): LiveContext => {
        const context: LiveContext = {
          em: deps.orm.em.fork(), // one per operation: built once per subscribe, so it lives as long as the subscription
          actor: ctx.extra.actor,
          clock: deps.clock,
          live: deps.live,
          ip: deps.clientAddress(ctx.extra.request),
          userAgent: ctx.extra.request.headers['user-agent'],
        };
        // A query or mutation sent over the socket has the same time limit as over HTTP; a subscription has none.
        if (getOperationAST(args.document, args.operationName)?.operation !== 'subscription') startDeadline(context, deps.operationTimeoutMs);
        return context;
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
