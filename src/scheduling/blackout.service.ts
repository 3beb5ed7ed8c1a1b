import { ref, type FilterQuery } from '@mikro-orm/core';
import { actingProvider, assertManages, providerActedFor, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import type { CatalogService } from '../catalog/catalog.service';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import { run } from '../core/sql';
import { optionalText, text } from '../core/validate';
import { daysBetween } from '../core/zoned-time';
import { announceSlots, SlotChangeReason } from '../live/live-events';
import { Blackout } from './blackout.entity';
import { slotsCoveredBy } from './blackout.sql';
import type { BlackoutInput } from './scheduling.inputs';
import { hhmm, minutesOf } from './working-hours';
import type { BookingLifecycle } from '../booking/booking-lifecycle';

/** The blackout's part of the day: none for a whole-day one, else its start and end as PostgreSQL's time reads them. */
function partOfDay(input: BlackoutInput): { allDay: boolean; startTime: string | null; endTime: string | null } {
  if (input.allDay !== false) {
    if (input.startTime != null || input.endTime != null)
      throw new BadInput(
        input.startTime != null ? 'startTime' : 'endTime',
        'is for a part-day blackout (allDay: false)',
      );
    return { allDay: true, startTime: null, endTime: null };
  }
  if (input.startTime == null) throw new BadInput('startTime', 'is required when allDay is false');
  if (input.endTime == null) throw new BadInput('endTime', 'is required when allDay is false');
  const start = minutesOf('startTime', input.startTime);
  const end = minutesOf('endTime', input.endTime, true);
  if (end <= start) throw new BadInput('endTime', 'must be after startTime on the same date');
  return { allDay: false, startTime: `${hhmm(start)}:00`, endTime: `${hhmm(end)}:00` };
}

/** The slots a blackout covers, active or not, by service. */
async function coveredSlots(tx: TxContext, blackout: Blackout): Promise<Map<number, number[]>> {
  const rows = await run(tx.em, slotsCoveredBy(blackout));
  const byService = new Map<number, number[]>();
  for (const row of rows) byService.set(row.service_id, [...(byService.get(row.service_id) ?? []), row.id]);
  return byService;
}

/** Tells live calendars about the slots a blackout covers, which become unavailable or available again; returns their ids. */
async function announceCoveredSlots(tx: TxContext, blackout: Blackout): Promise<number[]> {
  const byService = await coveredSlots(tx, blackout);
  for (const [serviceId, slotIds] of byService) announceSlots(tx, serviceId, slotIds, SlotChangeReason.UPDATED);
  return [...byService.values()].flat();
}

/** Who may change a blackout: a global one only admins, any other its provider and admins. */
async function assertManagesBlackout(ctx: RequestContext, blackout: Blackout): Promise<void> {
  if (blackout.provider) return assertManages(ctx, blackout.provider);
  if (requireActor(ctx).role !== Role.ADMIN) throw new Forbidden('Only admins manage global blackouts');
}

/**
 * Dates, or times of dates, on which a service, all of a provider's services, or every service (global)
 * cannot be booked.
 */
export class BlackoutService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  async createBlackout(ctx: RequestContext, input: BlackoutInput): Promise<Blackout> {
    if (daysBetween(input.startsOn, input.endsOn) < 0) throw new BadInput('endsOn', 'must not be before startsOn');
    const scopes = [input.serviceId != null, input.providerId != null, input.global === true].filter(Boolean);
    if (scopes.length > 1) throw new BadInput('global', 'name at most one of serviceId, providerId and global');
    const times = partOfDay(input);
    return inTransaction(ctx, async (tx) => {
      const blackout = new Blackout();
      if (input.global) {
        if (requireActor(tx).role !== Role.ADMIN) throw new Forbidden('Only admins make global blackouts');
        blackout.provider = null;
      } else if (input.serviceId) {
        const service = await this.catalog.getService(tx, input.serviceId);
        await assertManages(tx, service.provider);
        blackout.service = ref(service);
        blackout.provider = service.provider;
      } else blackout.provider = ref(await providerActedFor(tx, input.providerId));
      blackout.startsOn = input.startsOn;
      blackout.endsOn = input.endsOn;
      Object.assign(blackout, times);
      blackout.active = input.active ?? true;
      blackout.kind = input.kind;
      blackout.name = text('name', input.name, 200, { singleLine: true });
      blackout.description = optionalText('description', input.description, 10_000);
      tx.em.persist(blackout);
      if (blackout.active) await announceCoveredSlots(tx, blackout);
      return blackout;
    });
  }

  /**
   * Blackouts touching [from, to], by first date: of one service (its own, its provider's whole-provider ones
   * and the global ones), else all of the calling provider's and the global ones (an admin's: everyone's).
   * Only those who manage them see them.
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
      where.$and = [
        { $or: [{ provider: null }, { provider: service.provider.id }] },
        { $or: [{ service: null }, { service: service.id }] },
      ];
    } else if (actor.role !== Role.ADMIN)
      where.$or = [{ provider: null }, { provider: (await actingProvider(ctx)).id }];
    if (filter.to) where.startsOn = { $lte: filter.to };
    if (filter.from) where.endsOn = { $gte: filter.from };
    return ctx.em.find(Blackout, where, { orderBy: { startsOn: 'asc', id: 'asc' }, limit: MAX_ROWS.blackouts });
  }

  /**
   * Turns a blackout on or off: its slots close, or become bookable again (their freed seats go to the
   * waitlist first). Setting what it already is changes nothing.
   */
  async setActive(ctx: RequestContext, id: string, active: boolean): Promise<Blackout> {
    return inTransaction(ctx, async (tx) => {
      const blackout = await this.managed(tx, id);
      if (blackout.active === active) return blackout;
      blackout.active = active;
      await tx.em.flush(); // the slots' blackout formula must see it
      const slotIds = await announceCoveredSlots(tx, blackout);
      if (!active) await this.lifecycle.seatsFreed(tx, slotIds);
      return blackout;
    });
  }

  async deleteBlackout(ctx: RequestContext, id: string): Promise<boolean> {
    return inTransaction(ctx, async (tx) => {
      const blackout = await this.managed(tx, id);
      tx.em.remove(blackout);
      await tx.em.flush(); // the slots' blackout formula must see it gone
      if (blackout.active) await this.lifecycle.seatsFreed(tx, await announceCoveredSlots(tx, blackout));
      return true;
    });
  }

  private async managed(tx: TxContext, id: string): Promise<Blackout> {
    const blackout = await tx.em.findOne(Blackout, parseId('id', id));
    if (!blackout) throw new NotFound('Blackout', id);
    await assertManagesBlackout(tx, blackout);
    return blackout;
  }
}
