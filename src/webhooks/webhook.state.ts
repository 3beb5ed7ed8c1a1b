import { StateTable } from '../core/state-table';
import { WebhookDeliveryStatus } from './webhook.enums';

const { PENDING, DELIVERED, FAILED } = WebhookDeliveryStatus;

/** A delivery is tried until the receiver takes it, answers 410 Gone, or the last attempt fails; a redelivery is a new delivery. */
export const WEBHOOK_DELIVERY_STATES = new StateTable<WebhookDeliveryStatus>('webhook delivery', {
  [PENDING]: { [DELIVERED]: ['server'], [FAILED]: ['server'] },
  [DELIVERED]: {},
  [FAILED]: {},
});
