import { LockMode, ref } from '@mikro-orm/core';
import type { RequestContext } from '../core/context';
import { addJobs, type Job } from '../core/jobs';
import { changeSeats } from '../booking/seat-ledger';
import type { NotificationService } from '../notifications/notification.service';
import { Slot } from '../scheduling/slot.entity';
import { WaitlistEntry } from './waitlist-entry.entity';
import { WaitlistStatus } from './waitlist.enums';

export const EXPIRE_WAITLIST_OFFER = 'expire_waitlist_offer';
export const offerJobKey = (entryId: number) => `waitlist-offer:${entryId}`;

export function offerExpiryJob(entry: WaitlistEntry): Job & { runAt: Date } {
  return { task: EXPIRE_WAITLIST_OFFER, payload: { entryId: entry.id }, runAt: entry.offerExpiresAt!, jobKey: offerJobKey(entry.id) };
}

/** Queue order: priority high first, then first come (id breaks ties of the same instant). */
export const QUEUE_ORDER = { priority: 'desc', createdAt: 'asc', id: 'asc' } as const;

/**
 * Turns freed seats into offers, inside the transaction that freed them: for each slot, the ACTIVE entries
 * for it or for its date are taken in queue order, each whose party fits gets its seats held, and one that
 * does not fit is passed over and keeps its place.
 */
export class WaitlistOffers {
  constructor(
    private readonly notifications: NotificationService,
    private readonly offerHours: number,
  ) {}

  async seatsFreed(tx: RequestContext, slotIds: number[]): Promise<void> {
    const now = tx.clock.now();
    // Locked in id order, as every seat change takes them, so that the free seats counted here stay free.
    const slots = await tx.em.find(Slot, { id: { $in: slotIds } }, { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, populate: ['service'] });
    for (const slot of slots) {
      let free = slot.seatsAvailable(now);
      if (free <= 0) continue;
      const waiting = await tx.em.find(
        WaitlistEntry,
        { status: WaitlistStatus.ACTIVE, service: slot.service.id, $or: [{ slot: slot.id }, { slot: null, date: slot.localDate }] },
        { orderBy: QUEUE_ORDER, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      for (const entry of waiting) {
        if (entry.partySize > free) continue;
        await changeSeats(tx.em, 'held', new Map([[slot.id, entry.partySize]]), now);
        entry.status = WaitlistStatus.OFFERED;
        entry.offeredSlot = ref(slot);
        entry.offerExpiresAt = new Date(now.getTime() + this.offerHours * 3_600_000);
        await addJobs(tx.em, [offerExpiryJob(entry)]);
        await this.notifications.waitlistOffered(tx, entry, slot, slot.service.getEntity());
        free -= entry.partySize;
        if (free === 0) break;
      }
    }
  }

  /** Ends an offer (expired, or left by its customer): its seats are freed and offered to the next in line. */
  async endOffer(tx: RequestContext, entry: WaitlistEntry, status: WaitlistStatus.EXPIRED | WaitlistStatus.CANCELLED): Promise<void> {
    const slotId = entry.offeredSlot!.id;
    await changeSeats(tx.em, 'held', new Map([[slotId, -entry.partySize]]), tx.clock.now());
    entry.status = status;
    await tx.em.flush();
    await this.seatsFreed(tx, [slotId]);
  }
}
