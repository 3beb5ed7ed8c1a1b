import type { Service } from '../catalog/service.entity';
import type { Slot } from '../scheduling/slot.entity';

/**
 * What booking rules, prices and the write read of a slot. A managed Slot is one; so is the plain row of the
 * booking read (booking-reads.sql.ts), which makes no entity on the write path.
 */
export type BookableSlot = Pick<
  Slot,
  | 'id'
  | 'startsAt'
  | 'endsAt'
  | 'capacity'
  | 'booked'
  | 'held'
  | 'status'
  | 'priceAmount'
  | 'blackedOut'
  | 'calendarBusy'
  | 'providerBusy'
> & { service: { id: number } };

/** What booking rules, terms and prices read of a service: a managed Service, or the booking read's plain row. */
export type BookableService = Pick<
  Service,
  | 'id'
  | 'name'
  | 'timezone'
  | 'priceAmount'
  | 'currency'
  | 'childRateValue'
  | 'infantRateValue'
  | 'taxRateValue'
  | 'lateCancellationRefundValue'
  | 'bookingMode'
  | 'requiresPayment'
  | 'minPartySize'
  | 'maxPartySize'
  | 'cutoffHours'
  | 'advanceDays'
  | 'meetingProvider'
  | 'meetingProviders'
  | 'active'
  | 'questions'
> & { provider: { id: number } };
