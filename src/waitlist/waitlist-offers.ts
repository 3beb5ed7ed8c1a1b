import { LockMode, ref } from '@mikro-orm/core';
import type { SeatsFreed } from '../booking/booking-events';
import { currentUnitPrice } from '../booking/booking-plan';
import { priceLines } from '../booking/pricing';
import { changeSeats } from '../booking/seat-ledger';
import { run } from '../core/sql';
import { anyoneWaiting } from './waitlist.sql';
import type { TxContext } from '../core/context';
import type { Mover } from '../core/state-table';
import type { Events } from '../events';
import { jobKeys, jobs } from '../jobs';
import type { SlotCancelled } from '../scheduling/slot-events';
import { lockSlots } from '../scheduling/slot-locks';
import type { Slot } from '../scheduling/slot.entity';
import { WaitlistEntry } from './waitlist-entry.entity';
import { WaitlistStatus } from './waitlist.enums';
import { WAITLIST_STATES } from './waitlist.state';
import { entrySnapshot } from './waitlist-events';
import { AuditSubject } from '../core/audit';

/** Queue order: priority high first, then first come (id breaks ties of the same instant). */
export const QUEUE_ORDER = { priority: 'desc', createdAt: 'asc', id: 'asc' } as const;

/**
 * Turns freed seats into offers, inside the transaction that freed them (the listener of seatsFreed): for
 * each slot, the ACTIVE entries for it or for its date are taken in queue order, each whose party fits gets
 * its seats held, and one that does not fit is passed over and keeps its place.
 */
export class WaitlistOffers {
  constructor(
    private readonly events: Events,
    private readonly offerHours: number,
  ) {}

  /**
   * The only writer of an entry's status: the move is checked against the state table, and published
   * (`waitlist_entry.<status>`, for its audit trail) after `change` set what goes with it.
   */
  async move(
    tx: TxContext,
    entry: WaitlistEntry,
    to: WaitlistStatus,
    by: Mover,
    change: () => void = () => undefined,
  ): Promise<void> {
    WAITLIST_STATES.assertMove(entry.status, to, by);
    const before = entrySnapshot(entry);
    entry.status = to;
    change();
    await this.recorded(tx, entry, `waitlist_entry.${to.toLowerCase()}`, before);
  }

  /** Publishes a change of an entry (`before` as entrySnapshot read it), for its audit trail. */
  async recorded(tx: TxContext, entry: WaitlistEntry, action: string, before: object | null): Promise<void> {
    await this.events.publish(tx, 'recordChanged', {
      subject: AuditSubject.WAITLIST_ENTRY,
      id: entry.id,
      action,
      before,
      after: entrySnapshot(entry),
      reason: null,
    });
  }

  async seatsFreed(tx: TxContext, { slotIds }: SeatsFreed): Promise<void> {
    if (!(await this.anyoneWaiting(tx, slotIds))) return;
    // The change that freed the seats must reach the database first: a booking's new status frees the
    // provider's time (provider_busy, kept by a trigger) that the slots read below take into account.
    await tx.em.flush();
    const now = tx.clock.now();
    // Locked in id order with the lock seat changes take, so that the free seats counted here stay free.
    const slots = await lockSlots(tx, { ids: slotIds });
    for (const slot of slots) {
      let free = slot.seatsAvailable(now);
      if (free <= 0) continue;
      const waiting = await tx.em.find(
        WaitlistEntry,
        {
          status: WaitlistStatus.ACTIVE,
          service: slot.service.id,
          $or: [{ slot: slot.id }, { slot: null, date: slot.localDate }],
        },
        { orderBy: QUEUE_ORDER, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      for (const entry of waiting) {
        if (entry.partySize > free) continue;
        await this.offer(tx, entry, slot);
        free -= entry.partySize;
        if (free === 0) break;
      }
    }
  }

  /** Whether any entry waits for these slots or their dates: most freed seats have no queue, and cost one query. */
  private async anyoneWaiting(tx: TxContext, slotIds: number[]): Promise<boolean> {
    const [{ waiting }] = await run(tx.em, anyoneWaiting(slotIds));
    return waiting;
  }

  /**
   * Holds the seats for an entry and prices the offer: the slot at the price it had when the customer
   * joined (today's, for a slot of the date made since), at the terms they joined at.
   */
  private async offer(tx: TxContext, entry: WaitlistEntry, slot: Slot): Promise<void> {
    await changeSeats(tx, slot.service.id, new Map([[slot.id, { held: entry.partySize, booked: 0 }]]));
    const expiresAt = new Date(tx.clock.now().getTime() + this.offerHours * 3_600_000);
    const price = entry.slotPrices[slot.id] ?? currentUnitPrice(slot, await slot.service.loadOrFail());
    await this.move(tx, entry, WaitlistStatus.OFFERED, 'server', () => {
      entry.offeredSlot = ref(slot);
      entry.lines = priceLines([{ id: slot.id, price }], entry, entry.terms);
      entry.offerExpiresAt = expiresAt;
    });
    tx.effects.addJob(jobs.offerExpiry(entry.id, expiresAt));
    await this.events.publish(tx, 'waitlistOffered', {
      entryId: entry.id,
      customerId: entry.customer.id,
      serviceId: slot.service.id,
      slotId: slot.id,
    });
  }

  /**
   * Listener of slotCancelled: every live entry for the slot ends (CANCELLED), an offer's held seats are
   * freed with it; a whole-day entry offered this slot ends too, as its offer does.
   */
  async slotCancelled(tx: TxContext, { slotId }: SlotCancelled): Promise<void> {
    const entries = await tx.em.find(
      WaitlistEntry,
      {
        $or: [
          { slot: slotId, status: WaitlistStatus.ACTIVE },
          { offeredSlot: slotId, status: WaitlistStatus.OFFERED },
        ],
      },
      { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    for (const entry of entries) {
      if (entry.status === WaitlistStatus.OFFERED) {
        await this.endOffer(tx, entry, WaitlistStatus.CANCELLED, 'user');
        tx.effects.removeJob(jobKeys.offerExpiry(entry.id));
      } else await this.move(tx, entry, WaitlistStatus.CANCELLED, 'user');
    }
  }

  /** Ends an offer (expired, or left by its customer): its seats are freed and offered to the next in line. */
  async endOffer(
    tx: TxContext,
    entry: WaitlistEntry,
    status: WaitlistStatus.EXPIRED | WaitlistStatus.CANCELLED,
    by: Mover,
  ): Promise<void> {
    const slotId = entry.offeredSlot!.id;
    await changeSeats(tx, entry.service.id, new Map([[slotId, { held: -entry.partySize, booked: 0 }]]));
    await this.move(tx, entry, status, by);
    await tx.em.flush();
    await this.events.publish(tx, 'seatsFreed', { slotIds: [slotId] });
  }
}
