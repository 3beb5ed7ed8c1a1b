import { assertManages, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import type { RequestContext } from '../core/context';
import { Forbidden } from '../core/errors';
import type { Booking } from './booking.entity';

/** Whether the caller is the booking's customer, its service's provider or an admin. */
export async function isParticipant(ctx: RequestContext, booking: Booking): Promise<boolean> {
  const actor = ctx.actor;
  if (!actor) return false;
  if (actor.role === Role.ADMIN || booking.customer.id === actor.userId) return true;
  const provider = await (await booking.service.loadOrFail()).provider.loadOrFail();
  return provider.user.id === actor.userId;
}

/** A booking is its customer's, its service's provider's and the admins'; anyone else is FORBIDDEN. */
export async function assertParticipant(ctx: RequestContext, booking: Booking): Promise<void> {
  requireActor(ctx);
  if (!(await isParticipant(ctx, booking))) throw new Forbidden('This booking is not yours');
}

export async function assertProviderOf(ctx: RequestContext, booking: Booking): Promise<void> {
  const service = await booking.service.loadOrFail();
  await assertManages(ctx, service.provider);
}
