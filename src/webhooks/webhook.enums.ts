import { registerEnumType } from 'type-graphql';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

/** The events an endpoint can subscribe to (CONTRACT.md, "Integrations"). */
export const WEBHOOK_EVENTS = ['booking.created', 'booking.changed', 'booking.cancelled', 'proposal.changed', 'waitlist.offered', 'review.created'] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
