import type { MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { requireActor } from '../accounts/ownership';
import { assertParticipant } from '../booking/booking-access';
import { Booking } from '../booking/booking.entity';
import { isVisible } from '../catalog/catalog.service';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { BadInput, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { Role } from '../accounts/role';
import type { Proposal } from '../proposals/proposal.entity';
import { ALL_PROPOSALS, type LiveHub } from './live-hub';
import type { SlotChange } from './slot-change.type';

const MAX_SERVICES_PER_SUBSCRIPTION = 100;
/** How long a subscription waits for others to share its services' read: unnoticeable to a client. */
const SERVICE_BATCH_MS = 10;

/** Who may follow what: checked when a subscription starts, before it joins the hub. */
export class LiveService {
  /**
   * The services named by subscriptions that start within SERVICE_BATCH_MS of each other, read in one
   * statement: thousands of calendars opening at once cost a few reads, not one each (batching only
   * one turn of the event loop still made one read per handful of sockets). Nothing is cached, so an
   * unpublished service is refused from its next subscription on.
   */
  private readonly services: DataLoader<number, Pick<Service, 'id' | 'active' | 'provider'> | undefined>;

  constructor(
    private readonly hub: LiveHub,
    orm: MikroORM,
  ) {
    this.services = new DataLoader(
      async (ids) => {
        const found = await orm.em
          .fork()
          .find(Service, { id: { $in: [...ids] } }, { fields: ['id', 'active', 'provider'] });
        return ids.map((id) => found.find((service) => service.id === id));
      },
      { cache: false, batchScheduleFn: (run) => setTimeout(run, SERVICE_BATCH_MS) },
    );
  }

  async followAvailability(ctx: RequestContext, ids: string[]): Promise<AsyncIterableIterator<SlotChange>> {
    if (ids.length === 0 || ids.length > MAX_SERVICES_PER_SUBSCRIPTION) {
      throw new BadInput('serviceIds', `name 1 to ${MAX_SERVICES_PER_SUBSCRIPTION} services`);
    }
    const serviceIds = [...new Set(ids.map((id) => parseId('serviceIds', id)))];
    const found = await this.services.loadMany(serviceIds);
    const visible = await Promise.all(
      found.map(async (service) =>
        service && !(service instanceof Error) && (await isVisible(ctx, service)) ? service.id : null,
      ),
    );
    const missing = serviceIds.find((id) => !visible.includes(id));
    if (missing) throw new NotFound('Service', missing);
    return this.hub.availability(serviceIds);
  }

  async followBooking(ctx: RequestContext, id: string): Promise<AsyncIterableIterator<Booking>> {
    requireActor(ctx);
    const booking = await ctx.em.findOne(Booking, parseId('id', id));
    if (!booking) throw new NotFound('Booking', id);
    await assertParticipant(ctx, booking);
    return this.hub.booking(booking.id);
  }

  /** A provider follows the proposals on its services, a customer its own, an admin all. */
  followProposals(ctx: RequestContext): AsyncIterableIterator<Proposal> {
    const actor = requireActor(ctx);
    return this.hub.proposalsOf(actor.role === Role.ADMIN ? ALL_PROPOSALS : actor.userId);
  }
}
