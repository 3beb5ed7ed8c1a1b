import { DeadlockException, LockWaitTimeoutException, TransactionPropagation } from '@mikro-orm/core';
import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '../accounts/role';
import type { Clock } from './clock';
import { DomainError } from './errors';
import { Effects } from './effects';
import { databaseRefusal } from './refusals';

export interface Actor {
  userId: number;
  role: Role;
  /** The session the access token belongs to (logOut ends it). */
  sessionId: number;
}

/**
 * Everything a use case needs to know about the request or job it serves; the first argument of every
 * service method. Requests carry an actor; background jobs act as the server (no actor).
 */
export interface RequestContext {
  /** A fork of the EntityManager made for this request or job alone. */
  em: EntityManager;
  /** The ORM's connection pool, for statements outside the unit of work (preparedRead); else em's. */
  readonly knex?: Knex;
  actor?: Actor;
  clock: Clock;
  ip?: string;
  userAgent?: string;
  /** The request's Accept-Language header: the language of what it makes for someone without one of their own. */
  acceptLanguage?: string;
  /** Inside a transaction: the audit rows, NOTIFYs and jobs it will write just before commit. */
  effects?: Effects;
  /** A mutation's rate-limit charge, left for the use case's first statement to count (no round trip of its own). */
  carriedCharge?: CarriedCharge;
}

/**
 * One point of a fixed-window budget (`key` in rate_limit.counter) that a statement counts as it runs; the
 * one who ran it tells the budget what the counter answered (RateLimits.counted).
 */
export interface CarriedCharge {
  key: string;
  points: number;
  durationMs: number;
  counted: boolean;
}

/** A context inside a transaction: its effects are written with it. */
export type TxContext = RequestContext & { effects: Effects };

/**
 * A request's context: its EntityManager is forked the first time a resolver asks for it, so that an
 * answer that reads no entity (a slot list, `{ __typename }`) makes none. The getter lives on the
 * prototype, so the copies Apollo makes of a context (Object.assign onto the same prototype) stay lazy.
 */
export class LazyContext implements RequestContext {
  private forked?: EntityManager;
  actor?: Actor;
  ip?: string;
  userAgent?: string;
  acceptLanguage?: string;

  constructor(
    private readonly orm: MikroORM,
    readonly clock: Clock,
    fields: Pick<RequestContext, 'actor' | 'ip' | 'userAgent' | 'acceptLanguage'> = {},
  ) {
    Object.assign(this, fields);
  }

  get em(): EntityManager {
    this.forked ??= this.orm.em.fork();
    return this.forked;
  }

  /** Needs no fork: a read sent past the unit of work (a month of availability) makes none. */
  get knex(): Knex {
    return this.orm.em.getKnex();
  }
}

/** The context of a background job: a fresh EntityManager, the server's clock, no actor (the server acts). */
export function systemContext(orm: MikroORM, clock: Clock): RequestContext {
  return { em: orm.em.fork(), clock };
}

const ATTEMPTS = 4;

/**
 * Thrown by an attempt that lost a race its next attempt will not meet again, as it draws another value (a
 * booking reference taken meanwhile): the use case runs again from scratch, as after a lock cycle.
 */
export class RunAgain extends Error {}

/** A lock cycle or a serialization failure: PostgreSQL undid the whole transaction, so it can simply run again. */
function retryable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    error instanceof RunAgain ||
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException ||
    code === '40P01' ||
    code === '40001'
  );
}

/**
 * Runs `attempt` again when PostgreSQL undid its transaction for a lock cycle or a serialization failure,
 * or the attempt asked to (RunAgain), so the caller never sees one: each attempt starts from scratch on a
 * fresh EntityManager.
 */
async function retried<T>(ctx: RequestContext, attempt: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt(tries === 1 ? ctx.em : ctx.em.fork({ clear: true }));
    } catch (error) {
      const refusal = databaseRefusal(error);
      if (refusal) throw refusal;
      if (tries >= ATTEMPTS || error instanceof DomainError || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * tries));
    }
  }
}

/**
 * Runs one use case in one transaction; `tx.em` is the transaction's EntityManager, to be used for
 * everything inside. The effects collected on `tx` are written just before commit. Called inside
 * another use case's transaction, it joins it.
 */
export async function inTransaction<T>(ctx: RequestContext, work: (tx: TxContext) => Promise<T>): Promise<T> {
  if (ctx.effects) return work(ctx as TxContext);
  return retried(ctx, async (em) => {
    const effects = new Effects();
    const result = await em.transactional(
      async (txEm) => {
        const tx: TxContext = { ...ctx, em: txEm as EntityManager, effects };
        const value = await work(tx);
        await tx.em.flush();
        await effects.write(tx.em);
        return value;
      },
      { propagation: TransactionPropagation.REQUIRED },
    );
    effects.runAfterCommit();
    return result;
  });
}

/**
 * Runs a use case whose writes are ONE statement, atomic by itself, so that it needs no BEGIN and COMMIT
 * round trips; that statement must carry every effect collected (`effects.take()`).
 */
export async function inOneStatement<T>(ctx: RequestContext, work: (tx: TxContext) => Promise<T>): Promise<T> {
  return retried(ctx, async (em) => {
    const effects = new Effects();
    const result = await work({ ...ctx, em, effects });
    if (!effects.empty) throw new Error('a one-statement use case left effects unwritten');
    effects.runAfterCommit();
    return result;
  });
}

/**
 * Tries `work` in a savepoint: a domain refusal undoes only what it did (its rows and its effects) and
 * answers false, told to `refused` when given; any other error fails the whole transaction.
 */
export async function trySavepoint(
  tx: TxContext,
  work: (tx: TxContext) => Promise<void>,
  refused?: (refusal: DomainError) => void,
): Promise<boolean> {
  const effects = new Effects(); // kept only if the savepoint stands
  try {
    await tx.em.transactional((em) => work({ ...tx, em: em as EntityManager, effects }), {
      propagation: TransactionPropagation.NESTED,
    });
    tx.effects.absorb(effects);
    return true;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refused?.(error);
    return false;
  }
}
