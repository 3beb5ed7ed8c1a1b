import { assertManages, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import type { RequestContext } from '../core/context';
import { Forbidden } from '../core/errors';
import type { Booking } from './booking.entity';

/** A booking is its customer's, its service's provider's and the admins'; anyone else is FORBIDDEN. */
export async function assertParticipant(ctx: RequestContext, booking: Booking): Promise<void> {
  const actor = requireActor(ctx);
  if (actor.role === Role.ADMIN || booking.customer.id === actor.userId) return;
  const provider = await (await booking.service.loadOrFail()).provider.loadOrFail();
  if (provider.user.id !== actor.userId) throw new Forbidden('This booking is not yours');
}

export async function assertProviderOf(ctx: RequestContext, booking: Booking): Promise<void> {
  const service = await booking.service.loadOrFail();
  await assertManages(ctx, service.provider);
}
