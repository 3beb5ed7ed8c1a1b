import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../accounts/role';
import type { Clock } from './clock';

export interface Actor {
  userId: number;
  role: Role;
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
