/** SlotCancelled: the provider cancelled a slot (`cancelSlot`); its bookings are already cancelled in the same transaction. */
export interface SlotCancelled {
  slotId: number;
  serviceId: number;
  reason: string;
}
