import { isObjectType, type GraphQLSchema } from 'graphql';
import { DomainError } from '../core/errors';

/**
 * When an operation must stop, kept on its context object under a symbol: Apollo runs each operation on
 * a copy of the context (own properties, symbols included), so the object itself cannot be the key.
 */
const DEADLINE = Symbol('deadline');
type WithDeadline = { [DEADLINE]?: { at: number; ms: number } };

class OperationTimedOut extends DomainError {
  constructor(ms: number) {
    super(
      'TIMEOUT',
      `The operation ran longer than ${ms / 1000} s and was stopped; the fields it had not reached were not resolved`,
    );
  }
}

/** Gives an operation's context `ms` from now; fields it reaches later are refused. */
export function startDeadline(context: object, ms: number): void {
  (context as WithDeadline)[DEADLINE] = { at: Date.now() + ms, ms };
}

/**
 * graphql-js cannot abort an execution, so field resolvers first check their operation's deadline: once
 * it has passed, no further resolver (and so no further SQL) starts. A query is cut at any field; a
 * mutation only between its root fields, so that what a finished mutation did is still answered. A
 * statement already running is bounded by PostgreSQL's statement_timeout. Subscriptions get no deadline.
 */
export function enforceDeadlines(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        const deadline = (context as WithDeadline | undefined)?.[DEADLINE];
        const cuttable = info.operation.operation === 'query' || info.parentType === info.schema.getMutationType();
        if (deadline && cuttable && Date.now() > deadline.at) throw new OperationTimedOut(deadline.ms);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
