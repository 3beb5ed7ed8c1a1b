import { formatAmount } from '../core/money';
import type { Schedule } from './schedule.entity';
import type { Slot } from './slot.entity';

/** SlotCancelled: the provider cancelled a slot (`cancelSlot`); its bookings are already cancelled in the same transaction. */
export interface SlotCancelled {
  slotId: number;
  serviceId: number;
  reason: string;
}

/** What an audit entry keeps of a slot; its price (null: the service's) in the currency's format. */
export function slotSnapshot(slot: Slot, currency: string): object {
  return {
    status: slot.status,
    startsAt: slot.startsAt.toISOString(),
    endsAt: slot.endsAt.toISOString(),
    capacity: slot.capacity,
    price: slot.priceAmount == null ? null : formatAmount(slot.priceAmount, currency),
    ...(slot.minCapacity != null && slot.minDeadline
      ? { minCapacity: slot.minCapacity, minDeadline: slot.minDeadline.toISOString() }
      : {}),
    ...(slot.cancellationReason ? { cancellationReason: slot.cancellationReason } : {}),
  };
}

/** What an audit entry keeps of a schedule. */
export function scheduleSnapshot(schedule: Schedule, currency: string): object {
  return {
    name: schedule.name ?? null,
    rrule: schedule.rrule,
    startTime: schedule.startTime,
    // Working hours only: a one-start schedule's entries read as they always did.
    ...(schedule.endTime
      ? { endTime: schedule.endTime, slotMinutes: schedule.slotMinutes, breaks: schedule.breaks ?? [] }
      : {}),
    durationMinutes: schedule.durationMinutes,
    capacity: schedule.capacity,
    price: schedule.priceAmount == null ? null : formatAmount(schedule.priceAmount, currency),
    validFrom: schedule.validFrom,
    validUntil: schedule.validUntil ?? null,
    active: schedule.active,
    ...(schedule.minCapacity != null
      ? { minCapacity: schedule.minCapacity, minCapacityHours: schedule.minCapacityHours }
      : {}),
  };
}
