import { ref, type FilterQuery } from '@mikro-orm/core';
import { actingProvider, assertManages, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import type { CatalogService } from '../catalog/catalog.service';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../core/limits';
import { optionalText, text } from '../core/validate';
import { daysBetween } from '../core/zoned-time';
import { announceSlots, SlotChangeReason } from '../live/live-events';
import { Blackout } from './blackout.entity';
import { Slot } from './slot.entity';
import type { BlackoutInput } from './scheduling.inputs';
import type { BookingLifecycle } from '../booking/booking-lifecycle';

/** Tells live calendars about the slots a blackout covers, which become unavailable or available again; returns their ids. */
async function announceCoveredSlots(tx: TxContext, blackout: Blackout): Promise<number[]> {
  const slots = await tx.em.find(
    Slot,
    {
      service: blackout.service ? blackout.service.id : { provider: blackout.provider.id },
      localDate: { $gte: blackout.startsOn, $lte: blackout.endsOn },
    },
    { fields: ['id', 'service'] },
  );
  const byService = new Map<number, number[]>();
  for (const slot of slots) {
    const ids = byService.get(slot.service.id) ?? [];
    ids.push(slot.id);
    byService.set(slot.service.id, ids);
  }
  for (const [serviceId, slotIds] of byService) announceSlots(tx, serviceId, slotIds, SlotChangeReason.UPDATED);
  return slots.map((slot) => slot.id);
}

/** Dates on which a service, or all of a provider's services, cannot be booked. */
export class BlackoutService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  async createBlackout(ctx: RequestContext, input: BlackoutInput): Promise<Blackout> {
    if (daysBetween(input.startsOn, input.endsOn) < 0) throw new BadInput('endsOn', 'must not be before startsOn');
    return inTransaction(ctx, async (tx) => {
      const blackout = new Blackout();
      if (input.serviceId) {
        const service = await this.catalog.getService(tx, input.serviceId);
        await assertManages(tx, service.provider);
        blackout.service = ref(service);
        blackout.provider = service.provider;
      } else {
        if (tx.actor?.role === Role.ADMIN) throw new BadInput('serviceId', 'an admin must name the service');
        blackout.provider = ref(await actingProvider(tx));
      }
      blackout.startsOn = input.startsOn;
      blackout.endsOn = input.endsOn;
      blackout.kind = input.kind;
      blackout.name = text('name', input.name, 200, { singleLine: true });
      blackout.description = optionalText('description', input.description, 10_000);
      tx.em.persist(blackout);
      await announceCoveredSlots(tx, blackout);
      return blackout;
    });
  }

  /**
   * Blackouts touching [from, to], by first date: of one service (its own and its provider's whole-provider
   * ones), else all of the calling provider's (an admin's: everyone's). Only those who manage them see them.
   */
  async list(
    ctx: RequestContext,
    filter: { serviceId?: string | null; from?: string | null; to?: string | null },
  ): Promise<Blackout[]> {
    const actor = requireActor(ctx);
    if (filter.from && filter.to && daysBetween(filter.from, filter.to) < 0)
      throw new BadInput('to', 'must not be before from');
    const where: FilterQuery<Blackout> = {};
    if (filter.serviceId) {
      const service = await this.catalog.getService(ctx, filter.serviceId);
      await assertManages(ctx, service.provider);
      Object.assign(where, { provider: service.provider.id, $or: [{ service: null }, { service: service.id }] });
    } else if (actor.role !== Role.ADMIN) where.provider = (await actingProvider(ctx)).id;
    if (filter.to) where.startsOn = { $lte: filter.to };
    if (filter.from) where.endsOn = { $gte: filter.from };
    return ctx.em.find(Blackout, where, { orderBy: { startsOn: 'asc', id: 'asc' }, limit: MAX_ROWS.blackouts });
  }

  async deleteBlackout(ctx: RequestContext, id: string): Promise<boolean> {
    return inTransaction(ctx, async (tx) => {
      const blackout = await tx.em.findOne(Blackout, parseId('id', id));
      if (!blackout) throw new NotFound('Blackout', id);
      await assertManages(tx, blackout.provider);
      tx.em.remove(blackout);
      await tx.em.flush(); // the slots' blackout formula must see it gone
      await this.lifecycle.seatsFreed(tx, await announceCoveredSlots(tx, blackout));
      return true;
    });
  }
}
