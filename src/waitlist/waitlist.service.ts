import { LockMode, ref, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertManages, requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import type { Booking } from '../booking/booking.entity';
import type { BookingService } from '../booking/booking.service';
import type { CatalogService } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput, DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { businessMetrics } from '../infra/metrics';
import { requeuedIfEarly } from '../core/jobs';
import { jobKeys, jobs } from '../jobs';
import { currentUnitPrice } from '../booking/booking-plan';
import { checkSlots, MAX_NOTE_LENGTH, parseParty } from '../booking/booking-rules';
import { parseContact } from '../booking/contact';
import { currentTerms } from '../booking/terms';
import { intInRange, optionalText } from '../core/validate';
import { localDate } from '../core/zoned-time';
import { Slot } from '../scheduling/slot.entity';
import { WaitlistEntry } from './waitlist-entry.entity';
import { WaitlistStatus } from './waitlist.enums';
import type { WaitlistInput } from './waitlist.inputs';
import { QUEUE_ORDER, type WaitlistOffers } from './waitlist-offers';
import { entrySnapshot } from './waitlist-events';
import { MAX_ROWS } from '../graphql/limits';
import { run } from '../core/sql';
import { queuePositions } from './waitlist.sql';

const MAX_PRIORITY = 1_000;
const LIVE = [WaitlistStatus.ACTIVE, WaitlistStatus.OFFERED];

function alreadyQueued(field: string): BadInput {
  return new BadInput(field, 'you are already on this waitlist');
}

/** Refuses a provider queueing for their own service. */
async function notOwnService(service: Service, userId: number): Promise<void> {
  const provider = await service.provider.loadOrFail();
  if (provider.user.id === userId) throw new DomainError('OWN_SERVICE', 'You cannot queue for your own service');
}

/** The party an entry queues: its size within the service's limits, and its ages adding up to it. */
function queuedParty(input: WaitlistInput, service: Service) {
  const partySize = intInRange('partySize', input.partySize, service.minPartySize, service.maxPartySize);
  const party = input.party ? parseParty(input.party, service) : { adults: partySize, children: 0, infants: 0 };
  if (partySize !== party.adults + party.children + party.infants)
    throw new BadInput('party', `must add up to partySize (${partySize})`);
  return { partySize, ...party };
}

/** Joining, leaving, ranking and claiming waitlist entries; offers themselves are made by WaitlistOffers. */
export class WaitlistService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly bookings: BookingService,
    private readonly offers: WaitlistOffers,
  ) {}

  /**
   * Queues the caller for one slot or a local date of a service. Only a full slot or date can be joined:
   * where the party fits now, the customer books instead.
   */
  async join(ctx: RequestContext, input: WaitlistInput): Promise<WaitlistEntry> {
    const actor = requireActor(ctx);
    if ((input.slotId == null) === (input.date == null)) throw new BadInput('slotId', 'name either a slot or a date');
    const field = input.slotId != null ? 'slotId' : 'date';
    const contact = parseContact(input.contact);
    const notes = optionalText('notes', input.notes, MAX_NOTE_LENGTH);
    try {
      return await inTransaction(ctx, async (tx) => {
        const service = await this.catalog.getService(tx, input.serviceId);
        await notOwnService(service, actor.userId);
        const party = queuedParty(input, service);
        const slots = await this.targetSlots(tx, service, input, party.partySize);
        const now = tx.clock.now();
        if (slots.some((slot) => slot.seatsAvailable(now) >= party.partySize))
          throw new BadInput(field, 'there are free seats for this party: book instead');
        const target = input.slotId != null ? { slot: slots[0].id } : { date: input.date! };
        const live = { customer: actor.userId, service: service.id, status: { $in: LIVE }, ...target };
        if (await tx.em.count(WaitlistEntry, live)) throw alreadyQueued(field);
        const entry = tx.em.create(WaitlistEntry, {
          service,
          customer: tx.em.getReference(User, actor.userId),
          slot: input.slotId != null ? slots[0] : null,
          date: input.date ?? null,
          ...party,
          contact,
          notes,
          // What the customer queues for, at today's terms and prices: an offer is priced at them.
          terms: currentTerms(service),
          slotPrices: Object.fromEntries(slots.map((slot) => [slot.id, currentUnitPrice(slot, service)])),
        });
        await tx.em.flush();
        await this.offers.recorded(tx, entry, 'waitlist_entry.created', null);
        return (await this.withPositions(tx.em, [entry]))[0];
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw alreadyQueued(field); // a twin request won the race
      throw error;
    }
  }

  /** The slot of a slot entry, or the slots of a date entry's date; either must be able to seat the party at all. */
  private async targetSlots(
    tx: RequestContext,
    service: Service,
    input: WaitlistInput,
    partySize: number,
  ): Promise<Slot[]> {
    const now = tx.clock.now();
    if (input.slotId != null) {
      const slot = await tx.em.findOne(Slot, parseId('slotId', input.slotId));
      if (!slot || slot.service.id !== service.id) throw new NotFound('Slot', input.slotId);
      // A slot that could not be booked even with free seats (closed, cancelled, blacked out, past) has no queue.
      checkSlots([slot.id], [slot], service, now);
      if (partySize > slot.capacity)
        throw new BadInput('partySize', `a party of ${partySize} is larger than the slot (${slot.capacity} seats)`);
      return [slot];
    }
    if (input.date! < localDate(now, service.timezone)) throw new BadInput('date', 'is in the past');
    const slots = await tx.em.find(Slot, { service: service.id, localDate: input.date! });
    const largest = Math.max(service.capacity, ...slots.map((slot) => slot.capacity));
    if (partySize > largest)
      throw new BadInput('partySize', `a party of ${partySize} is larger than any slot (${largest} seats)`);
    return slots;
  }

  /** Leaves the queue; an entry holding an offer gives its seats to the next in line. */
  async leave(ctx: RequestContext, id: string): Promise<WaitlistEntry> {
    return inTransaction(ctx, async (tx) => {
      const entry = await this.own(tx, id, true);
      if (entry.status === WaitlistStatus.OFFERED) {
        tx.effects.removeJob(jobKeys.offerExpiry(entry.id));
        await this.offers.endOffer(tx, entry, WaitlistStatus.CANCELLED, 'user');
      } else await this.offers.move(tx, entry, WaitlistStatus.CANCELLED, 'user');
      return entry;
    });
  }

  /**
   * Turns an offer into a booking on the seats already held, for the entry's party at the offer's price
   * (the terms and slot prices of when the customer joined; a paid service starts its payment first: a
   * PaymentIntent, or a guest's Checkout Session). The entry is locked, so of two concurrent claims one books
   * and one is refused.
   */
  async claim(ctx: RequestContext, id: string): Promise<Booking> {
    const entry = this.assertClaimable(ctx, await this.own(ctx, id, false));
    const slot = await entry.offeredSlot!.loadOrFail();
    const service = await entry.service.loadOrFail();
    const party = { adults: entry.adults, children: entry.children, infants: entry.infants };
    const offer = { terms: entry.terms, lines: entry.lines! };
    const plan = {
      ...this.bookings.planFor(ctx, service, entry.customer.id, [slot], party, { seatsHeld: true, offer }),
      contact: entry.contact ?? null,
      notes: entry.notes ?? null,
    };
    return this.bookings.place(ctx, plan, async (tx, place) => {
      const locked = this.assertClaimable(tx, await this.own(tx, id, true));
      const booking = await place(tx);
      await this.offers.move(tx, locked, WaitlistStatus.CONVERTED, 'user', () => {
        locked.booking = ref(booking);
      });
      tx.effects.removeJob(jobKeys.offerExpiry(locked.id));
      tx.effects.afterCommit(() => businessMetrics.waitlistConversions.inc());
      return booking;
    });
  }

  private assertClaimable(ctx: RequestContext, entry: WaitlistEntry): WaitlistEntry {
    if (entry.status !== WaitlistStatus.OFFERED)
      throw new DomainError('INVALID_TRANSITION', `This entry is ${entry.status.toLowerCase()}, not offered`);
    if (entry.offerExpiresAt! <= ctx.clock.now()) throw new DomainError('INVALID_TRANSITION', 'This offer has expired');
    return entry;
  }

  /** The expire_waitlist_offer job: an unclaimed offer ends, and its seats go to the next in line. */
  async expireOffer(ctx: RequestContext, entryId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const entry = await tx.em.findOne(WaitlistEntry, entryId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!entry || entry.status !== WaitlistStatus.OFFERED) return;
      if (requeuedIfEarly(tx, jobs.offerExpiry(entry.id, entry.offerExpiresAt!))) return;
      await this.offers.endOffer(tx, entry, WaitlistStatus.EXPIRED, 'server');
    });
  }

  async mine(ctx: RequestContext): Promise<WaitlistEntry[]> {
    const actor = requireActor(ctx);
    const entries = await ctx.em.find(
      WaitlistEntry,
      { customer: actor.userId },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: MAX_ROWS.myWaitlist },
    );
    return this.withPositions(ctx.em, entries);
  }

  /** A service's queue as its provider (or an admin) sees it, in the order offers are made. */
  async ofService(ctx: RequestContext, serviceId: string, status?: WaitlistStatus | null): Promise<WaitlistEntry[]> {
    const service = await this.catalog.getService(ctx, serviceId);
    await assertManages(ctx, service.provider);
    const entries = await ctx.em.find(
      WaitlistEntry,
      { service: service.id, status: status ?? { $in: LIVE } },
      { orderBy: QUEUE_ORDER, limit: MAX_ROWS.serviceWaitlist },
    );
    return this.withPositions(ctx.em, entries);
  }

  /** The provider or an admin moves an entry up (higher) or down; offers follow the new order from then on. */
  async setPriority(ctx: RequestContext, id: string, priority: number): Promise<WaitlistEntry> {
    const value = intInRange('priority', priority, -MAX_PRIORITY, MAX_PRIORITY);
    return inTransaction(ctx, async (tx) => {
      const entry = await tx.em.findOne(WaitlistEntry, parseId('id', id), { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!entry) throw new NotFound('WaitlistEntry', id);
      await assertManages(tx, (await entry.service.loadOrFail()).provider);
      const before = entrySnapshot(entry);
      entry.priority = value;
      await tx.em.flush();
      await this.offers.recorded(tx, entry, 'waitlist_entry.priority_changed', before);
      return (await this.withPositions(tx.em, [entry]))[0];
    });
  }

  /** The caller's own entry (an admin may act on any), locked when asked (inside a transaction). */
  private async own(ctx: RequestContext, id: string, lock: boolean): Promise<WaitlistEntry> {
    const actor = requireActor(ctx);
    const entry = await ctx.em.findOne(
      WaitlistEntry,
      parseId('id', id),
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
    );
    if (!entry) throw new NotFound('WaitlistEntry', id);
    if (entry.customer.id !== actor.userId && actor.role !== Role.ADMIN)
      throw new Forbidden('This waitlist entry is not yours');
    return entry;
  }

  /** Sets `position` on the ACTIVE entries (queuePositions: who competes for the same seats), in one query. */
  private async withPositions(em: EntityManager, entries: WaitlistEntry[]): Promise<WaitlistEntry[]> {
    const active = entries.filter((entry) => entry.status === WaitlistStatus.ACTIVE);
    const rows = active.length ? await run(em, queuePositions(active.map((entry) => entry.id))) : [];
    const positions = new Map(rows.map((row) => [row.id, Number(row.position)]));
    for (const entry of entries) entry.position = positions.get(entry.id) ?? null;
    return entries;
  }
}
