import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { SecretBox } from '../infra/secret-box';
import { PARSE_OPTIONS } from './operation-limits';
import type { Tokens } from '../accounts/tokens';
import { run, type Statement } from '../core/sql';
import { claimKey, dropKey, keepKeyAnswer, type StoredKey, storedKey } from './idempotency.sql';
import type { Actor } from '../core/context';
import { sendJson } from './errors';
import type { NodeMiddleware } from './graphql-route';

const HEADER = 'Idempotency-Key';
const HEADER_NAME = HEADER.toLowerCase();
const MAX_KEY_LENGTH = 255;
/** How long a key and its answer are kept. */
const KEPT_MS = 24 * 3_600_000;
/** How long a first request may go unanswered before a repeat runs instead (its process died). */
const IN_FLIGHT_MS = 120_000;
/** How often a repeat looks for the first request's answer. */
const POLL_MS = 50;
/** Expired keys removed with each new key, so that the table never needs a sweeper of its own. */
const PURGE_BATCH = 20;
/** Refusals after which nothing was done: not kept, so that the client may try the same key again. */
const NOTHING_DONE = new Set(['INTERNAL_SERVER_ERROR', 'PAYMENT_PROVIDER_UNAVAILABLE', 'RATE_LIMITED']);

export interface IdempotencyDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  tokens: Tokens;
  /** The server's secret (JWT_SECRET): fingerprints and kept answers are keyed with it. */
  secret: string;
  /** The client's address, TRUST_PROXY applied: an anonymous caller's keys are its address's. */
  clientAddress(request: IncomingMessage): string;
  /** Where the token checked here is left for the request's GraphQL context: one session check a request. */
  actors: WeakMap<IncomingMessage, Actor | undefined>;
}

type Request = IncomingMessage & { body?: unknown };

/**
 * Whether a GraphQL request body runs a mutation (a body that does not parse is Apollo's to refuse). The
 * query's length was checked before (request-limits.ts), and parsing stops at the token limit.
 */
function isMutation(body: unknown): boolean {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return false;
  try {
    const operations = parse(query, PARSE_OPTIONS).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      typeof operationName === 'string'
        ? operations.find((candidate) => candidate.name?.value === operationName)
        : operations.length === 1
          ? operations[0]
          : undefined;
    return operation?.operation === 'mutation';
  } catch {
    return false;
  }
}

/** An answer that left nothing behind: a server failure, or only refusals that say "try again". */
function nothingDone(status: number, body: string): boolean {
  if (status >= 500) return true;
  try {
    const { data, errors } = JSON.parse(body) as {
      data?: Record<string, unknown> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const someDone = Object.values(data ?? {}).some((value) => value !== null);
    return !someDone && !!errors?.length && errors.every((error) => NOTHING_DONE.has(error.extensions?.code ?? ''));
  } catch {
    return false;
  }
}

function refuse(res: ServerResponse, status: number, problem: string): void {
  sendJson(res, status, {
    errors: [{ message: `${HEADER}: ${problem}`, extensions: { code: 'BAD_USER_INPUT', field: HEADER } }],
  });
}

/** A statement on a fresh EntityManager: each step of a key is its own transaction. */
const query = <Row>(deps: IdempotencyDeps, statement: Statement<Row>) => run(deps.orm.em.fork(), statement);

/** An HMAC of the parts under the server's secret. */
const keyed = (deps: IdempotencyDeps, ...parts: string[]) =>
  createHmac('sha256', deps.secret).update(parts.join('\0')).digest('hex');

/**
 * Answers hold tokens (signUp, logIn, refresh) and payment secrets: each is sealed (AES-256-GCM) under a
 * key derived from the server's secret, the caller and the Idempotency-Key, so the table alone reveals
 * none of them. A body's fingerprint is keyed likewise, since a logIn body holds a password.
 */
const answers = (deps: IdempotencyDeps, caller: string, key: string) =>
  new SecretBox(keyed(deps, 'answer', caller, key));

/** Inserts the key (or takes over an expired or abandoned one): true when this request is to run. */
async function claim(deps: IdempotencyDeps, caller: string, key: string, fingerprint: string): Promise<boolean> {
  const now = deps.clock.now();
  const expired = new Date(now.getTime() - KEPT_MS);
  const abandoned = new Date(now.getTime() - IN_FLIGHT_MS);
  const rows = await query(deps, claimKey(caller, key, fingerprint, { now, expired, abandoned }, PURGE_BATCH));
  return rows.length === 1;
}

/** Runs this request, or answers with the first one's (waiting for it): undefined means "run it". */
async function settle(
  deps: IdempotencyDeps,
  caller: string,
  key: string,
  fingerprint: string,
): Promise<StoredKey | undefined> {
  for (;;) {
    if (await claim(deps, caller, key, fingerprint)) return undefined;
    const [row] = await query(deps, storedKey(caller, key));
    if (row && (row.fingerprint !== fingerprint || row.body !== null)) return row;
    if (row) await sleep(POLL_MS); // the first request is still running; without a row it gave the key back
  }
}

/**
 * Keeps the answer once the request is done, just before it is sent (at `end`, whoever writes it); an answer
 * that did nothing gives the key back.
 */
function keepAnswer(deps: IdempotencyDeps, res: ServerResponse, caller: string, key: string): void {
  const end = res.end.bind(res) as (body: string) => ServerResponse;
  res.end = ((payload?: unknown) => {
    const body = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : '';
    const kept = query(
      deps,
      nothingDone(res.statusCode, body)
        ? dropKey(caller, key)
        : keepKeyAnswer(caller, key, res.statusCode, answers(deps, caller, key).seal(body)),
    );
    kept.then(
      () => end(body),
      (error: unknown) => {
        deps.log.error({ err: error }, 'could not keep an idempotent answer');
        end(body);
      },
    );
    return res;
  }) as ServerResponse['end'];
}

/** Answers a repeat with the first request's kept answer, or refuses it when its body differs. */
function replay(
  deps: IdempotencyDeps,
  res: ServerResponse,
  stored: StoredKey,
  fingerprint: string,
  caller: string,
  key: string,
): void {
  if (stored.fingerprint !== fingerprint)
    return refuse(res, 422, 'was already used with another request; use a new key');
  let answer: string;
  try {
    answer = answers(deps, caller, key).open(stored.body!);
  } catch {
    // Sealed under another JWT_SECRET: what the first request did is done, but its answer is lost.
    return refuse(res, 422, 'its answer can no longer be read (the server secret changed); use a new key');
  }
  res.setHeader('idempotent-replayed', 'true');
  res.statusCode = stored.status_code!;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(answer));
  res.end(answer);
}

/**
 * `Idempotency-Key` on GraphQL mutations over HTTP: per caller and key, the first request runs and its
 * answer is kept for 24 hours; a repeat with the same body gets that answer (waiting for it while the
 * first still runs), one with another body is refused. The key row is inserted before the request runs,
 * so of concurrent twins exactly one runs.
 */
export function idempotency(deps: IdempotencyDeps): NodeMiddleware {
  return (req, res, next) => void runOnce(deps, req, res, next).catch(next);
}

/** Runs a keyed mutation once: the first time, with its answer kept; again, answered from what was kept. */
async function runOnce(deps: IdempotencyDeps, req: Request, res: ServerResponse, next: () => void): Promise<void> {
  const key = req.headers[HEADER_NAME] as string | undefined;
  if (key === undefined || req.method !== 'POST' || !isMutation(req.body)) return next();
  if (key.length === 0 || key.length > MAX_KEY_LENGTH)
    return refuse(res, 400, `must be 1 to ${MAX_KEY_LENGTH} characters`);
  // A bad token is refused by the GraphQL request itself (401); nothing is kept for it.
  const actor = await deps.tokens.authenticate(deps.orm.em.fork(), req.headers.authorization).catch(() => null);
  if (actor === null) return next();
  deps.actors.set(req, actor);
  const caller = actor ? `user:${actor.userId}` : `ip:${deps.clientAddress(req)}`; // whose key it is
  const fingerprint = keyed(deps, 'body', JSON.stringify(req.body));
  const stored = await settle(deps, caller, key, fingerprint);
  if (stored) return replay(deps, res, stored, fingerprint, caller, key);
  keepAnswer(deps, res, caller, key);
  next();
}
