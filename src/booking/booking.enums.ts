import { registerEnumType } from 'type-graphql';

export enum BookingStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  CONFIRMED = 'CONFIRMED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
  COMPLETED = 'COMPLETED',
  NO_SHOW = 'NO_SHOW',
  REFUNDED = 'REFUNDED',
}
registerEnumType(BookingStatus, { name: 'BookingStatus' });
