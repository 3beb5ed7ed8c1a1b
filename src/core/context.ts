import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../accounts/role';
import type { Clock } from './clock';

export interface Actor {
  userId: number;
  role: Role;
  /** The session the access token belongs to (logOut ends it). */
  sessionId: number;
}

/** Everything a use case needs to know about the request it serves; the first argument of every service method. */
export interface RequestContext {
  /** A fork of the EntityManager made for this request alone. */
  em: EntityManager;
  actor?: Actor;
  clock: Clock;
  ip?: string;
  userAgent?: string;
}

/** Runs one use case in one transaction; `tx.em` is the transaction's EntityManager, to be used for everything inside. */
export function inTransaction<T>(ctx: RequestContext, work: (tx: RequestContext) => Promise<T>): Promise<T> {
  return ctx.em.transactional((em) => work({ ...ctx, em: em as EntityManager }));
}

/** The transaction of a background job: the server's clock and no actor (the system acts). */
export function inJobTransaction<T>(em: EntityManager, clock: Clock, work: (tx: RequestContext) => Promise<T>): Promise<T> {
  return em.transactional((txEm) => work({ em: txEm as EntityManager, clock }));
}
