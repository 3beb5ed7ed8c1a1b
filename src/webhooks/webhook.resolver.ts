import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { connectionType, PageArgs, type Page } from '../graphql/connection';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS, pageCost } from '../graphql/limits';
import { WEBHOOK_ATTEMPTS } from '../jobs';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { WebhookDeliveryStatus } from './webhook.enums';
import type { WebhookService } from './webhook.service';
import { WebhookEndpointCreated } from './webhook.types';

const WebhookDeliveryConnection = connectionType(WebhookDelivery, 'WebhookDelivery');

@Resolver()
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [WebhookEndpoint], {
    description: `The caller's webhook endpoints (an admin's: all), oldest first; at most ${MAX_ROWS.webhookEndpoints}.`,
    complexity: listCost(5, MAX_ROWS.webhookEndpoints),
  })
  webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return this.webhooks.list(ctx);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [WebhookDelivery], {
    description: `Deliveries to one endpoint, newest first; at most ${MAX_ROWS.webhookDeliveries}, older ones cut off silently (webhookDeliveriesConnection reads them all).`,
    deprecationReason: 'use webhookDeliveriesConnection',
    complexity: listCost(10, MAX_ROWS.webhookDeliveries),
  })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Arg('endpointId', () => ID, { description: "The endpoint (one of the caller's own, or any for an admin)." })
    endpointId: string,
    @Arg('status', () => WebhookDeliveryStatus, {
      description: 'Only deliveries in this status; all when omitted.',
      nullable: true,
    })
    status?: WebhookDeliveryStatus | null,
  ): Promise<WebhookDelivery[]> {
    return this.webhooks.deliveries(ctx, endpointId, status);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => WebhookDeliveryConnection, {
    description: 'Deliveries to one endpoint, newest first, a page at a time.',
    complexity: pageCost(10),
  })
  webhookDeliveriesConnection(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('endpointId', () => ID, { description: "The endpoint (one of the caller's own, or any for an admin)." })
    endpointId: string,
    @Arg('status', () => WebhookDeliveryStatus, {
      description: 'Only deliveries in this status; all when omitted.',
      nullable: true,
    })
    status?: WebhookDeliveryStatus | null,
  ): Promise<Page<WebhookDelivery>> {
    return this.webhooks.deliveriesConnection(ctx, endpointId, status, page);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => WebhookEndpointCreated, {
    description:
      'A provider (or admin) registers an endpoint for events; answers the signing secret once. An unknown event name or a non-public URL is BAD_USER_INPUT.',
  })
  createWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('url', () => String, {
      description: 'https URL on a public address (http and private addresses only with WEBHOOKS_ALLOW_HTTP=1).',
    })
    url: string,
    @Arg('events', () => [String], {
      description:
        'Event names: booking.created, booking.changed, booking.cancelled, proposal.changed, waitlist.offered, review.created.',
    })
    events: string[],
  ): Promise<WebhookEndpointCreated> {
    return this.webhooks.create(ctx, url, events);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Stops and removes an endpoint of the caller (an admin: any); true when done.',
  })
  deleteWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The endpoint.' }) id: string,
  ): Promise<boolean> {
    return this.webhooks.delete(ctx, id);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => WebhookDelivery, {
    description:
      'Sends a delivery again now, with the same event id, as a new delivery tried at most 5 times; while one of that event to that endpoint is PENDING, answers it instead. Limited per account (RATE_LIMITED).',
  })
  redeliverWebhook(
    @Ctx() ctx: RequestContext,
    @Arg('deliveryId', () => ID, { description: 'The delivery.' }) deliveryId: string,
  ): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(ctx, deliveryId);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @FieldResolver(() => WebhookEndpoint, { description: 'The endpoint it goes to.' })
  endpoint(@Root() delivery: WebhookDelivery): Promise<WebhookEndpoint> {
    return delivery.endpoint.loadOrFail();
  }

  @FieldResolver(() => [WebhookAttempt], {
    description: `Every POST of this delivery, oldest first (at most ${WEBHOOK_ATTEMPTS}).`,
    complexity: listCost(1, WEBHOOK_ATTEMPTS),
  })
  attemptLog(@Ctx() ctx: RequestContext, @Root() delivery: WebhookDelivery): Promise<WebhookAttempt[]> {
    return this.webhooks.attemptLog(ctx, delivery);
  }
}
