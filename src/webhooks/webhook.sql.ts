import type { StatementParts } from '../core/effects';
import { raw, sql } from '../core/sql';
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
): StatementParts => {
  const [data, at, task] = [JSON.stringify(event.data), event.now.toISOString(), 'deliver_webhook' satisfies TaskName];
  return {
    ctes: [
      sql`${raw(name)} as (insert into webhook_delivery (endpoint_id, event_id, event, payload, status, attempts, created_at)
        select e.id, ${event.eventId}::uuid, ${event.type}, ${data}::jsonb, 'PENDING', 0, ${at}::timestamptz from webhook_endpoint e
        where e.active and ${event.type} = any(e.events) and (e.provider_id is null or e.provider_id = coalesce(${event.providerId}::int, (select s.provider_id from service s where s.id = ${event.serviceId})))
        returning id)`,
    ],
    calls: [
      sql`(select count(graphile_worker.add_job(${task}, json_build_object('deliveryId', id), job_key => ${jobKeys.webhookDelivery('')} || id, max_attempts => ${WEBHOOK_ATTEMPTS})) from ${raw(name)}) as ${raw(name)}`,
    ],
  };
};
