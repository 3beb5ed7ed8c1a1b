import { isObjectType, type GraphQLSchema } from 'graphql';
import { DomainError } from '../core/errors';

/** When each running operation must stop, keyed by its context object (HTTP request or WebSocket operation). */
const deadlines = new WeakMap<object, { at: number; ms: number }>();

export class OperationTimedOut extends DomainError {
  constructor(ms: number) {
    super('TIMEOUT', `The operation ran longer than ${ms / 1000} s and was stopped; the fields it had not reached were not resolved`);
  }
}

/** Gives an operation's context `ms` from now; fields it reaches later are refused. */
export function startDeadline(context: object, ms: number): void {
  deadlines.set(context, { at: Date.now() + ms, ms });
}

/**
 * graphql-js cannot abort an execution, so every field resolver of the schema first checks its
 * operation's deadline: once passed, no further resolver (and so no further SQL) starts. A statement
 * already running is bounded by PostgreSQL's statement_timeout. Subscriptions get no deadline.
 */
export function enforceDeadlines(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        const deadline = deadlines.get(context);
        if (deadline && Date.now() > deadline.at) throw new OperationTimedOut(deadline.ms);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
