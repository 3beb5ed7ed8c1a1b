import type { Ref } from '@mikro-orm/core';
import type { Actor, RequestContext } from '../core/context';
import { BadInput, Forbidden, NotFound, Unauthenticated } from '../core/errors';
import { parseId } from '../core/ids';
import { Provider } from './provider.entity';
import { Role } from './role';

export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new Unauthenticated();
  return ctx.actor;
}

/** The provider profile of the calling user. */
export async function actingProvider(ctx: RequestContext): Promise<Provider> {
  const actor = requireActor(ctx);
  const provider = await ctx.em.findOne(Provider, { user: actor.userId });
  if (!provider) throw new Forbidden('Only providers can do this');
  return provider;
}

/**
 * The provider a change is made for: the calling provider itself (naming another is FORBIDDEN), or the one an
 * admin acting for a provider names in `providerId` (required then).
 */
export async function providerActedFor(ctx: RequestContext, providerId: string | null | undefined): Promise<Provider> {
  if (requireActor(ctx).role === Role.ADMIN) {
    if (providerId == null) throw new BadInput('providerId', 'an admin names the provider it acts for');
    const provider = await ctx.em.findOne(Provider, parseId('providerId', providerId));
    if (!provider) throw new NotFound('Provider', providerId);
    return provider;
  }
  const own = await actingProvider(ctx);
  if (providerId != null && parseId('providerId', providerId) !== own.id)
    throw new Forbidden('A provider acts only for itself');
  return own;
}

/**
 * What the audit entry of a change to a provider's service or schedule says when an admin made it: that it
 * acted for that provider, named; null for anyone else.
 */
export async function actingForNote(ctx: RequestContext, owner: Ref<Provider>): Promise<string | null> {
  if (ctx.actor?.role !== Role.ADMIN) return null;
  const provider = await owner.loadOrFail();
  return `An admin acting for provider ${provider.id} (${provider.name})`;
}

/** Whether the caller manages what the provider whose user is `ownerUserId` owns: a provider its own, an admin everything. */
export function managesUserOf(ctx: RequestContext, ownerUserId: number | undefined): boolean {
  if (ctx.actor?.role === Role.ADMIN) return true;
  return ctx.actor?.role === Role.PROVIDER && ownerUserId === ctx.actor.userId;
}

/** A provider manages only what is its own; an admin manages everything. */
export async function manages(ctx: RequestContext, owner: Ref<Provider>): Promise<boolean> {
  // The owner is loaded only when its user decides.
  return managesUserOf(ctx, ctx.actor?.role === Role.PROVIDER ? (await owner.load())?.user.id : undefined);
}

export async function assertManages(ctx: RequestContext, owner: Ref<Provider>): Promise<void> {
  requireActor(ctx);
  if (!(await manages(ctx, owner))) throw new Forbidden('This belongs to another provider');
}
