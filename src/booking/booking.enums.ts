import { registerEnumType } from 'type-graphql';

export enum BookingStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  PENDING_CONFIRMATION = 'PENDING_CONFIRMATION',
  CONFIRMED = 'CONFIRMED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
  COMPLETED = 'COMPLETED',
  NO_SHOW = 'NO_SHOW',
  REFUNDED = 'REFUNDED',
}
registerEnumType(BookingStatus, {
  name: 'BookingStatus',
  description:
    'Where a booking is in its life. Moves: PENDING_PAYMENT -> CONFIRMED | CANCELLED | EXPIRED; PENDING_CONFIRMATION -> CONFIRMED | CANCELLED | EXPIRED; CONFIRMED -> COMPLETED | NO_SHOW | CANCELLED; CANCELLED or COMPLETED -> REFUNDED; EXPIRED -> CONFIRMED (late payment, seats still free).',
  valuesConfig: {
    PENDING_PAYMENT: { description: 'Paid service: seats are held until holdExpiresAt while the customer pays.' },
    PENDING_CONFIRMATION: {
      description:
        "A guest's booking of a free service: seats are held until holdExpiresAt while the guest confirms it from the link mailed to them.",
    },
    CONFIRMED: { description: 'Seats are booked.' },
    CANCELLED: { description: 'Cancelled by the customer, the provider or an admin; seats were freed.' },
    EXPIRED: { description: 'The payment did not arrive before the hold ended; seats were freed.' },
    COMPLETED: { description: 'The provider marked it as taken place.' },
    NO_SHOW: { description: 'The provider marked that the customer did not come.' },
    REFUNDED: { description: 'Everything paid was given back and the bank confirmed it.' },
  },
});
