import type { StatementParts } from '../core/effects';
import { jobKeys, type TaskName, WEBHOOK_ATTEMPTS } from '../jobs';
import type { WebhookEvent } from './webhook.enums';

/**
 * The part of a change's statement that inserts one delivery of an event for every active endpoint that
 * subscribed to it (the provider's, found from `serviceId` when `providerId` is null, and the admins'),
 * and queues each delivery's job.
 */
export const queueDeliveries = (
  name: string,
  event: {
    eventId: string;
    type: WebhookEvent;
    data: object;
    providerId: number | null;
    serviceId: number | null;
    now: Date;
  },
): StatementParts => ({
  ctes: [
    `${name} as (insert into webhook_delivery (endpoint_id, event_id, event, payload, status, attempts, created_at)
      select e.id, ?::uuid, ?, ?::jsonb, 'PENDING', 0, ?::timestamptz from webhook_endpoint e
      where e.active and ? = any(e.events) and (e.provider_id is null or e.provider_id = coalesce(?::int, (select s.provider_id from service s where s.id = ?)))
      returning id)`,
  ],
  cteParams: [
    event.eventId,
    event.type,
    JSON.stringify(event.data),
    event.now.toISOString(),
    event.type,
    event.providerId,
    event.serviceId,
  ],
  calls: [
    `(select count(graphile_worker.add_job(?, json_build_object('deliveryId', id), job_key => ? || id, max_attempts => ?)) from ${name}) as ${name}`,
  ],
  callParams: ['deliver_webhook' satisfies TaskName, jobKeys.webhookDelivery(''), WEBHOOK_ATTEMPTS],
});
