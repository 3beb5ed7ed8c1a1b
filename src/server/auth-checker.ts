import type { AuthChecker } from 'type-graphql';
import type { Role } from '../accounts/role';
import type { RequestContext } from '../core/context';
import { Unauthenticated } from '../core/errors';

/** `@Authorized(roles)`: no token is UNAUTHENTICATED, a token of another role FORBIDDEN. */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  if (!context.actor) throw new Unauthenticated();
  return roles.length === 0 || roles.includes(context.actor.role);
};
