import { registerEnumType } from 'type-graphql';

export enum PaymentStatus {
  REQUIRES_ACTION = 'REQUIRES_ACTION',
  PROCESSING = 'PROCESSING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
  REFUNDED = 'REFUNDED',
}
registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  description: 'Where a card payment is, as the payment provider reported it.',
  valuesConfig: {
    REQUIRES_ACTION: { description: 'Waiting for the customer to confirm the payment in the browser (clientSecret).' },
    PROCESSING: { description: 'The bank is processing it.' },
    SUCCEEDED: { description: 'Paid; the booking is CONFIRMED.' },
    FAILED: { description: 'The payment failed; the booking EXPIRES.' },
    CANCELED: { description: 'Cancelled before it was paid.' },
    REFUNDED: { description: 'The whole amount was given back.' },
  },
});

export enum RefundStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
