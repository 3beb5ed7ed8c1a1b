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

/** Where a refund is: Stripe's refund statuses, plus PENDING for one asked for and not answered yet. */
export enum RefundStatus {
  PENDING = 'PENDING',
  REQUIRES_ACTION = 'REQUIRES_ACTION',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
}
registerEnumType(RefundStatus, {
  name: 'RefundStatus',
  description:
    'Where a refund is. Only SUCCEEDED refunds count in Booking.refunded; PENDING and REQUIRES_ACTION ones are on their way; FAILED and CANCELED ones gave nothing back (and can be asked again).',
  valuesConfig: {
    PENDING: { description: 'Asked for: the bank has not said yet that the money went back.' },
    REQUIRES_ACTION: { description: 'The bank needs the customer to act (some payment methods) before it can pay it.' },
    SUCCEEDED: { description: 'The bank says the money went back (a card refund may still fail later, rarely).' },
    FAILED: { description: 'The bank could not give it back (e.g. a closed card): nothing came back.' },
    CANCELED: { description: 'Cancelled before it was paid: nothing came back.' },
  },
});
