import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { RateLimits } from '../accounts/rate-limits';
import type { RequestContext } from '../core/context';

/**
 * Charges every root mutation field to its caller's budget before it runs: over HTTP and WebSocket
 * alike, and once per field, so that aliases in one request count one by one. A field marked
 * `chargedByStatement` (`book`) carries its charge to its use case's first statement instead, which counts
 * it in the same round trip; if the use case fails before that statement, it is counted after.
 */
export function chargeMutations(schema: GraphQLSchema, limits: RateLimits): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = field.extensions.chargedByStatement
      ? async (source, args, ctx: RequestContext, info) => {
          const charge = limits.carriedMutation(ctx);
          if (!charge) return resolve(source, args, ctx, info);
          ctx.carriedCharge = charge;
          try {
            return await resolve(source, args, ctx, info);
          } finally {
            ctx.carriedCharge = undefined;
            await limits.settle(ctx, charge);
          }
        }
      : async (source, args, ctx: RequestContext, info) => {
          await limits.mutation(ctx);
          return resolve(source, args, ctx, info);
        };
  }
  return schema;
}
