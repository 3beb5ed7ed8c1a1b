import { registerEnumType } from 'type-graphql';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a webhook delivery is.',
  valuesConfig: {
    PENDING: { description: 'Not yet answered with 2xx; retried with backoff for 3 days.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Retries gave up.' },
  },
});

/** The events an endpoint can subscribe to (docs/api-guide.md, "Webhooks"). */
export const WEBHOOK_EVENTS = [
  'booking.created',
  'booking.changed',
  'booking.cancelled',
  'proposal.changed',
  'waitlist.offered',
  'review.created',
  'promo_code.changed',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
