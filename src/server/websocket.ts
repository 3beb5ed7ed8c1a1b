import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  createSourceEventStream,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { Disposable, ServerOptions, SubscribePayload } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SessionCheck } from '../accounts/session-check';
import { LazyContext, type Actor } from '../core/context';
import type { Clock } from '../core/clock';
import { DomainError, Unauthenticated } from '../core/errors';
import type { LiveContext } from '../live/live.resolver';
import type { LiveService } from '../live/live.service';
import { endAnswer, refusedAnswer, startAnswer, takeTurn } from './answer-budget';
import { errorFormatter } from './errors';
import { startDeadline } from './operation-deadline';
import { SubscriptionRelay, type RelayTarget } from './subscription-relay';
import { cachedCost, LIMIT_RULES, PARSE_OPTIONS, queryTooLong, refusal } from './operation-limits';
import { MAX_JSON_DEPTH, nestedTooDeep } from './request-limits';
import type { TokenSession, Tokens } from '../accounts/tokens';
import { kept } from '../core/kept';

const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
const KEEP_ALIVE_MS = 12_000;
/** Distinct operation texts whose parse and validation are kept; thousands of calendars send the same few. */
const CHECKED_DOCUMENTS = 500;

export interface WebSocketDeps {
  server: http.Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  tokens: Tokens;
  sessionChecks: SessionCheck;
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

const requestError = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, { nodes: error.nodes, extensions: { code } });

/** Parses and validates an operation text: its document, or the errors with the codes HTTP gives them. */
function checkDocument(
  schema: GraphQLSchema,
  rules: ValidationRule[],
  query: string,
): DocumentNode | readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(query, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [requestError(error, 'GRAPHQL_PARSE_FAILED')]; // the error formatter tells the token limit apart
  }
  const invalid = validate(schema, document, rules);
  return invalid.length
    ? invalid.map((error) => (error.originalError ? error : requestError(error, 'GRAPHQL_VALIDATION_FAILED')))
    : document;
}

/** Coerces the variables of a valid operation and checks its cost: the arguments to execute it with, or why not. */
function executionArgs(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  payload: SubscribePayload,
): ExecutionArgs | readonly GraphQLError[] {
  const variables = payload.variables ?? {};
  const badVariables = getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors;
  if (badVariables) return badVariables.map((error) => requestError(error, 'BAD_USER_INPUT'));
  const { cost, error } = cachedCost(schema, payload.query, document, variables, payload.operationName);
  if (error) return [error];
  const args = { schema, document, variableValues: variables, operationName: payload.operationName };
  costs.set(args, cost);
  return args;
}

/**
 * What Apollo does for HTTP, done for a subscribe message: parse (token limit), validate (with the
 * depth, alias and directive limits), coerce the variables, then check the cost. Errors carry the codes
 * HTTP gives them; a valid operation comes back ready to execute. Parse and validation depend on the
 * text alone, and are kept for the most recent CHECKED_DOCUMENTS; the cost is kept as for HTTP (cachedCost),
 * and with the operation's arguments (`costs`) for its turn (answer-budget.ts).
 */
function operationChecker(schema: GraphQLSchema, introspection: boolean) {
  const documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({ max: CHECKED_DOCUMENTS });
  const rules = [...specifiedRules, ...LIMIT_RULES, ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  return (payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] => {
    const tooLong = queryTooLong(payload.query);
    if (tooLong) return [tooLong];
    if (nestedTooDeep(payload.variables))
      return [refusal('BAD_REQUEST', `The variables nest deeper than ${MAX_JSON_DEPTH} levels`)];
    const document = kept(documents, payload.query, () => checkDocument(schema, rules, payload.query));
    if (Array.isArray(document)) return document;
    const operation = getOperationAST(document as DocumentNode, payload.operationName);
    if (!operation)
      return [
        new GraphQLError('Name the operation to run (operationName)', {
          extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
        }),
      ];
    return executionArgs(schema, document as DocumentNode, operation, payload);
  };
}

/** The cost of each operation checked, by the arguments graphql-ws executes it with (the same object). */
const costs = new WeakMap<object, number>();

/** Open sockets per client address; a client at the limit is refused at the handshake with 429. */
class SocketCap {
  private readonly open = new Map<string, number>();

  constructor(private readonly deps: Pick<WebSocketDeps, 'clientAddress' | 'maxSocketsPerClient'>) {}

  /** ws's verifyClient: when it accepts, ws emits 'connection' in the same tick, so no handshake slips between. */
  readonly verify = (
    info: { req: http.IncomingMessage },
    accept: (ok: boolean, code?: number, message?: string) => void,
  ): void => {
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

/** The close code of a socket whose session is refused or has ended (graphql-ws's Forbidden). */
const SESSION_ENDED = 4403;
/** setTimeout's longest wait; a token that outlives it is looked at again then. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

interface SocketSession extends TokenSession {
  socket: WebSocket;
  timer?: NodeJS.Timeout;
}

/**
 * This process's signed-in sockets, by account: a socket lives no longer than its session. Each operation
 * checks the session as HTTP does (through SessionCheck, in memory while revocation notices are heard); a
 * notice about the account checks its sockets at once; the token's expiry closes its socket. A socket whose
 * session ended (logOut, a password change, revocation, deactivation, expiry) closes with 4403.
 */
class SignedInSockets {
  private readonly byUser = new Map<number, Set<SocketSession>>();

  constructor(private readonly deps: Pick<WebSocketDeps, 'orm' | 'tokens' | 'clock' | 'log'>) {}

  add(socket: WebSocket, signedIn: TokenSession): SocketSession {
    const session: SocketSession = { ...signedIn, socket };
    const userId = session.actor.userId;
    const open = this.byUser.get(userId) ?? new Set();
    open.add(session);
    this.byUser.set(userId, open);
    this.arm(session);
    socket.once('close', () => {
      clearTimeout(session.timer);
      open.delete(session);
      if (open.size === 0 && this.byUser.get(userId) === open) this.byUser.delete(userId);
    });
    return session;
  }

  /** The socket's actor as its session stands now (its role may have changed); undefined, and the socket closing, once it ended. */
  async current(session: SocketSession): Promise<Actor | undefined> {
    if (session.expiresAt <= this.deps.clock.now()) return this.end(session);
    const actor = await this.deps.tokens.recheck(this.deps.orm.em, session.actor);
    if (!actor) return this.end(session);
    session.actor = actor;
    return actor;
  }

  /** Checks the sockets of an account (or all of them) again, after a notice. */
  recheck(userId: number | 'all'): void {
    const sessions =
      userId === 'all' ? [...this.byUser.values()].flatMap((open) => [...open]) : this.byUser.get(userId);
    for (const session of sessions ?? [])
      this.current(session).catch((error) => this.deps.log.warn({ err: error }, 'socket session check failed'));
  }

  private arm(session: SocketSession): void {
    const left = session.expiresAt.getTime() - this.deps.clock.now().getTime();
    session.timer = setTimeout(
      () => (session.expiresAt <= this.deps.clock.now() ? this.end(session) : this.arm(session)),
      Math.min(Math.max(left, 0), LONGEST_TIMER_MS),
    );
    session.timer.unref();
  }

  /** Closes the socket once what is being answered (the refusal of an operation) has been sent. */
  private end(session: SocketSession): undefined {
    setImmediate(() => session.socket.close(SESSION_ENDED, 'Forbidden: the session has ended'));
    return undefined;
  }
}

/** graphql-ws's options as this server gives them: its connection carries the signed-in session, if any. */
type SocketServerOptions = ServerOptions<Record<string, unknown>, Extra & { session?: SocketSession }>;
type FormatAll = (errors: readonly GraphQLError[]) => GraphQLFormattedError[];

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql. The token is checked at connection_init,
 * as on HTTP: a bad, expired or revoked one closes the socket with 4403; no token is anonymous. A signed-in
 * socket's session is checked again for every operation and whenever a notice says it changed
 * (SignedInSockets). Each operation gets a context of its own, whose EntityManager is made only if a resolver
 * asks for one. A subscription's events are relayed (subscription-relay.ts): executed and serialized
 * once per event and subscription shape, not once per subscriber.
 */
export function attachWebSocket(deps: WebSocketDeps): { close(): Promise<void> } {
  const cap = new SocketCap(deps);
  const wss = new WebSocketServer({
    server: deps.server,
    path: '/graphql',
    maxPayload: 256 * 1024,
    verifyClient: cap.verify,
  });
  wss.on('connection', cap.track);
  const signedIn = new SignedInSockets(deps);
  const unwatch = deps.sessionChecks.watch((userId) => signedIn.recheck(userId));
  const disposable: Disposable = useServer<Record<string, unknown>, { session?: SocketSession }>(
    serverOptions(deps, signedIn),
    wss,
    KEEP_ALIVE_MS,
  );
  return {
    async close() {
      unwatch();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Who may connect and subscribe, each operation's context, how it runs, and its answers' errors as HTTP formats them. */
function serverOptions(deps: WebSocketDeps, signedIn: SignedInSockets): SocketServerOptions {
  const format = errorFormatter(deps.log);
  const formatAll: FormatAll = (errors) => errors.map((error) => format(error.toJSON(), error));
  const relayTargets = new WeakMap<object, RelayTarget>();
  return {
    schema: deps.schema,
    ...admission(deps, signedIn),
    context: operationContext(deps, relayTargets, formatAll),
    // The subscription's resolver runs (who may follow what, joining the hub); its events go through the relay.
    subscribe: async (args) => {
      const stream = await createSourceEventStream(args);
      return Symbol.asyncIterator in stream
        ? new SubscriptionRelay(
            stream as AsyncIterableIterator<unknown>,
            args,
            relayTargets.get(args.contextValue as object)!,
          )
        : stream;
    },
    execute: executeInTurn,
    onNext: (_ctx, _id, _payload, args, result) => {
      const refusal = refusedAnswer(
        args.contextValue as object,
        () => getOperationAST(args.document, args.operationName)?.operation,
      );
      if (refusal) return { errors: [refusal.error] };
      return result.errors ? { ...result, errors: formatAll(result.errors) } : undefined;
    },
    onError: (_ctx, _id, _payload, errors) => formatAll(errors),
  };
}

/** The token at connection_init, then for each operation: the session still live, the subscription limit, the operation's checks. */
function admission(
  deps: WebSocketDeps,
  signedIn: SignedInSockets,
): Pick<SocketServerOptions, 'onConnect' | 'onSubscribe'> {
  const checkOperation = operationChecker(deps.schema, deps.introspection);
  return {
    onConnect: async (ctx) => {
      try {
        // The session check is one raw statement at most: no EntityManager of its own per connection.
        const session = await deps.tokens.session(deps.orm.em, ctx.connectionParams?.authorization);
        if (session) ctx.extra.session = signedIn.add(ctx.extra.socket, session);
        return true;
      } catch (error) {
        if (error instanceof GraphQLError) return false; // refused: close 4403
        throw error;
      }
    },
    onSubscribe: async (ctx, _id, payload) => {
      if (ctx.extra.session && !(await signedIn.current(ctx.extra.session))) {
        const message = 'This session has ended: sign in again';
        return [new GraphQLError(message, { originalError: new Unauthenticated(message) })];
      }
      // The count already includes the subscription being started.
      if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
        const message = `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`;
        return [new GraphQLError(message, { originalError: new DomainError('RATE_LIMITED', message) })];
      }
      return checkOperation(payload);
    },
  };
}

/**
 * Each operation's context: a subscription's names the socket and shape its events are relayed to; a query
 * or mutation sent over the socket gets the time limit and the answer budget it has over HTTP.
 */
function operationContext(
  deps: WebSocketDeps,
  relayTargets: WeakMap<object, RelayTarget>,
  formatAll: FormatAll,
): Extract<SocketServerOptions['context'], (...args: never[]) => unknown> {
  return (ctx, id, payload, args): LiveContext => {
    const actor = ctx.extra.session?.actor;
    const base = new LazyContext(deps.orm, deps.clock, {
      actor,
      ip: deps.clientAddress(ctx.extra.request),
      userAgent: ctx.extra.request.headers['user-agent'],
    });
    const context: LiveContext = Object.assign(base, { live: deps.live });
    if (getOperationAST(args.document, args.operationName)?.operation === 'subscription') {
      relayTargets.set(context, {
        socket: ctx.extra.socket,
        id,
        shape: JSON.stringify([
          payload.query,
          payload.operationName ?? null,
          payload.variables ?? {},
          actor?.userId ?? null,
        ]),
        formatErrors: formatAll,
      });
    } else {
      startDeadline(context, deps.operationTimeoutMs);
      startAnswer(context);
    }
    return context;
  };
}

/** Runs a query or mutation in its turn of the answer budget (answer-budget.ts); no turn coming is a busy refusal. */
async function executeInTurn(args: ExecutionArgs) {
  const context = args.contextValue as object;
  try {
    await takeTurn(context, costs.get(args) ?? 0);
    return await execute(args);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] }; // no turn came: busy
    throw error;
  } finally {
    endAnswer(context);
  }
}
