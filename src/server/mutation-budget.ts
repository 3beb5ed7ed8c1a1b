import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { RateLimits } from '../accounts/rate-limits';
import type { RequestContext } from '../core/context';

/**
 * Charges every root mutation field to its caller's budget before it runs: over HTTP and WebSocket
 * alike, and once per field, so that aliases in one request count one by one.
 */
export function chargeMutations(schema: GraphQLSchema, limits: RateLimits): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, ctx: RequestContext, info) => {
      await limits.mutation(ctx);
      return resolve(source, args, ctx, info);
    };
  }
  return schema;
}
