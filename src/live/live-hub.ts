import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { Booking } from '../booking/booking.entity';
import { metrics } from '../infra/metrics';
import { Slot } from '../scheduling/slot.entity';
import { Proposal } from '../proposals/proposal.entity';
import { CHANNELS, type BookingNotice, type ProposalNotice, type SlotsNotice } from './live-events';
import { SlotChange } from './slot-change.type';
import { SubscriberQueue } from './subscriber-queue';

const subscriptionsGauge = new Gauge({
  name: 'live_subscriptions',
  help: 'Open subscriptions on this process',
  registers: [metrics],
});

// Only rises: a subscription opened is seen here even while another one closes (the gauge may not move).
const subscriptionsOpened = new Counter({
  name: 'live_subscriptions_opened_total',
  help: 'Subscriptions opened on this process since it started',
  registers: [metrics],
});

class Topics<T> {
  private readonly byKey = new Map<number, Set<SubscriberQueue<T>>>();

  add(keys: number[], queue: SubscriberQueue<T>): void {
    for (const key of keys) {
      const set = this.byKey.get(key) ?? new Set();
      set.add(queue);
      this.byKey.set(key, set);
    }
  }

  remove(keys: number[], queue: SubscriberQueue<T>): void {
    for (const key of keys) {
      const set = this.byKey.get(key);
      set?.delete(queue);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  subscribers(key: number): Set<SubscriberQueue<T>> | undefined {
    return this.byKey.get(key);
  }
}

/** The key under which admins follow every proposal (user ids start at 1). */
export const ALL_PROPOSALS = 0;

/**
 * This process's subscribers, by service, by booking, and by user for proposals. A notice from PostgreSQL is loaded once, with
 * an EntityManager of its own, and the result is handed to every subscriber it concerns.
 */
export class LiveHub {
  private readonly slots = new Topics<SlotChange>();
  private readonly bookings = new Topics<Booking>();
  private readonly proposals = new Topics<Proposal>();

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
  ) {}

  private open<T>(topics: Topics<T>, keys: number[]): SubscriberQueue<T> {
    const queue: SubscriberQueue<T> = new SubscriberQueue<T>(() => {
      topics.remove(keys, queue);
      subscriptionsGauge.dec();
    });
    topics.add(keys, queue);
    subscriptionsGauge.inc();
    subscriptionsOpened.inc();
    return queue;
  }

  availability(serviceIds: number[]): SubscriberQueue<SlotChange> {
    return this.open(this.slots, serviceIds);
  }

  booking(bookingId: number): SubscriberQueue<Booking> {
    return this.open(this.bookings, [bookingId]);
  }

  /** Proposals seen by one user (their own and those on their services), or by admins with ALL_PROPOSALS. */
  proposalsOf(userId: number): SubscriberQueue<Proposal> {
    return this.open(this.proposals, [userId]);
  }

  async receive(channel: string, payload: string): Promise<void> {
    try {
      if (channel === CHANNELS.slots) await this.slotsChanged(JSON.parse(payload) as SlotsNotice);
      if (channel === CHANNELS.bookings) await this.bookingChanged(JSON.parse(payload) as BookingNotice);
      if (channel === CHANNELS.proposals) await this.proposalChanged(JSON.parse(payload) as ProposalNotice);
    } catch (error) {
      this.log.error({ err: error, channel }, 'live notice could not be delivered');
    }
  }

  private async slotsChanged(notice: SlotsNotice): Promise<void> {
    const subscribers = this.slots.subscribers(notice.serviceId);
    if (!subscribers?.size) return;
    const slots = await this.orm.em
      .fork()
      .find(Slot, { id: { $in: notice.slotIds } }, { populate: ['service'], orderBy: { startsAt: 'asc' } });
    const counters = new Map(notice.counters?.map((seats) => [seats.id, seats]));
    for (const slot of slots) {
      const asChanged = counters.get(slot.id);
      if (asChanged) Object.assign(slot, { booked: asChanged.booked, held: asChanged.held });
      const change = Object.assign(new SlotChange(), {
        serviceId: String(notice.serviceId),
        slot,
        reason: notice.reason,
        at: new Date(notice.at),
      });
      for (const subscriber of subscribers) subscriber.push(change);
    }
  }

  private async bookingChanged(notice: BookingNotice): Promise<void> {
    const subscribers = this.bookings.subscribers(notice.bookingId);
    if (!subscribers?.size) return;
    const booking = await this.orm.em.fork().findOne(Booking, notice.bookingId);
    if (booking) for (const subscriber of subscribers) subscriber.push(booking);
  }

  private async proposalChanged(notice: ProposalNotice): Promise<void> {
    const subscribers = new Set(
      [notice.customerId, notice.providerUserId, ALL_PROPOSALS].flatMap((key) => [
        ...(this.proposals.subscribers(key) ?? []),
      ]),
    );
    if (!subscribers.size) return;
    const proposal = await this.orm.em.fork().findOne(Proposal, notice.proposalId);
    if (proposal) for (const subscriber of subscribers) subscriber.push(proposal);
  }
}
