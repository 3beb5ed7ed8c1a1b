import type { FilterQuery } from '@mikro-orm/core';
import { parseEmail } from '../accounts/email';
import { actingProvider, assertManages, requireActor } from '../accounts/ownership';
import type { RateLimits } from '../accounts/rate-limits';
import { Role } from '../accounts/role';
import type { RequestContext } from '../core/context';
import { paginate, type Page, type PageArgs } from '../graphql/connection';
import { BadInput, NotFound } from '../core/errors';
import { Service } from '../catalog/service.entity';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import { requestLoader } from '../core/request-loaders';
import { run } from '../core/sql';
import { AuditEntry } from './audit-entry.entity';
import { latestBookingHistories } from './booking-query.sql';
import { assertParticipant } from './booking-access';
import { type BookingLookup, lookupOf } from './booking-lookup';
import { Booking } from './booking.entity';
import type { BookingStatus } from './booking.enums';

type ProviderFilter = {
  from?: Date | null;
  to?: Date | null;
  status?: BookingStatus | null;
  serviceId?: string | null;
};
const BY_START = { startsAt: 'asc', id: 'asc' } as const;

/** Reading bookings: one by id or reference for those who may see it, and the lists of customers and providers. */
export class BookingQueryService {
  constructor(private readonly rateLimits: RateLimits) {}

  private async visible(ctx: RequestContext, booking: Booking | null): Promise<Booking | null> {
    if (booking) await assertParticipant(ctx, booking);
    return booking;
  }

  async byId(ctx: RequestContext, id: string): Promise<Booking | null> {
    requireActor(ctx);
    return this.visible(ctx, await ctx.em.findOne(Booking, parseId('id', id)));
  }

  async byReference(ctx: RequestContext, reference: string): Promise<Booking | null> {
    requireActor(ctx);
    return this.visible(ctx, await ctx.em.findOne(Booking, { reference: reference.trim().toUpperCase().slice(0, 20) }));
  }

  /**
   * The public lookup: the booking with this reference whose customer or guest contact has this email, else
   * null (the same for an unknown reference and a wrong email). Failed lookups count against the caller's
   * address.
   */
  async lookup(ctx: RequestContext, reference: string, emailInput: string): Promise<BookingLookup | null> {
    const email = parseEmail(emailInput);
    return this.rateLimits.bookingLookup(ctx, async () => {
      const booking = await ctx.em.findOne(
        Booking,
        { reference: reference.trim().toUpperCase().slice(0, 20) },
        { populate: ['customer', 'service.provider', 'slots.slot'] },
      );
      const owns = booking && (booking.customer.getEntity().email === email || booking.contact?.email === email);
      return owns ? lookupOf(booking) : null;
    });
  }

  async mine(ctx: RequestContext, status?: BookingStatus | null): Promise<Booking[]> {
    return ctx.em.find(Booking, this.mineWhere(ctx, status), { orderBy: BY_START, limit: MAX_ROWS.bookings });
  }

  mineConnection(
    ctx: RequestContext,
    status: BookingStatus | null | undefined,
    page: PageArgs,
  ): Promise<Page<Booking>> {
    return paginate(ctx.em, Booking, this.mineWhere(ctx, status), BY_START, page);
  }

  async ofProvider(ctx: RequestContext, filter: ProviderFilter): Promise<Booking[]> {
    return ctx.em.find(Booking, await this.providerWhere(ctx, filter), { orderBy: BY_START, limit: MAX_ROWS.bookings });
  }

  async ofProviderConnection(ctx: RequestContext, filter: ProviderFilter, page: PageArgs): Promise<Page<Booking>> {
    return paginate(ctx.em, Booking, await this.providerWhere(ctx, filter), BY_START, page);
  }

  /** The newest MAX_ROWS.history changes of a booking, oldest first; those of a list's bookings are read in one statement. */
  history(ctx: RequestContext, booking: Booking): Promise<AuditEntry[]> {
    return requestLoader<number, AuditEntry[]>(ctx.em, 'booking-history', async (ids) => {
      const rows = await run(ctx.em, latestBookingHistories(ids, MAX_ROWS.history));
      const byBooking = new Map<number, AuditEntry[]>(ids.map((id) => [id, []]));
      for (const entry of rows.map((row) => ctx.em.map(AuditEntry, row))) byBooking.get(entry.booking!.id)?.push(entry);
      return ids.map((id) => byBooking.get(id)!);
    }).load(booking.id);
  }

  private mineWhere(ctx: RequestContext, status?: BookingStatus | null): FilterQuery<Booking> {
    return { customer: requireActor(ctx).userId, ...(status ? { status } : {}) };
  }

  /** Bookings on the provider's services (every service for an admin), or on one of them, starting in [from, to). */
  private async providerWhere(ctx: RequestContext, filter: ProviderFilter): Promise<FilterQuery<Booking>> {
    const actor = requireActor(ctx);
    if (filter.from && filter.to && filter.to <= filter.from) throw new BadInput('to', 'must be after from');
    const where: FilterQuery<Booking> = {};
    if (actor.role !== Role.ADMIN) where.service = { provider: (await actingProvider(ctx)).id };
    if (filter.serviceId) {
      const service = await ctx.em.findOne(Service, parseId('serviceId', filter.serviceId));
      if (!service) throw new NotFound('Service', filter.serviceId);
      await assertManages(ctx, service.provider);
      where.service = service.id;
    }
    if (filter.status) where.status = filter.status;
    if (filter.from || filter.to)
      where.startsAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    return where;
  }
}
