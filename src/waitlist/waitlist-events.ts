import type { WaitlistEntry } from './waitlist-entry.entity';

/** WaitlistOffered: seats are held for a waitlist entry until its offer expires. */
export interface WaitlistOffered {
  entryId: number;
  customerId: number;
  serviceId: number;
  slotId: number;
}

/** What an audit entry keeps of a waitlist entry. */
export function entrySnapshot(entry: WaitlistEntry): object {
  return {
    status: entry.status,
    slotId: entry.slot ? String(entry.slot.id) : null,
    date: entry.date ?? null,
    party: { adults: entry.adults, children: entry.children, infants: entry.infants },
    priority: entry.priority,
    offeredSlotId: entry.offeredSlot ? String(entry.offeredSlot.id) : null,
    offerExpiresAt: entry.offerExpiresAt?.toISOString() ?? null,
  };
}
