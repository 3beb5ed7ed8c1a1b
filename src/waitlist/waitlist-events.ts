/** WaitlistOffered: seats are held for a waitlist entry until its offer expires. */
export interface WaitlistOffered {
  entryId: number;
  customerId: number;
  serviceId: number;
  slotId: number;
}
