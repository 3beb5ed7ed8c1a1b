import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import type { RequestContext } from '../core/context';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { WebhookDeliveryStatus } from './webhook.enums';
import type { WebhookService } from './webhook.service';
import { WebhookEndpointCreated } from './webhook.types';

@Resolver()
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [WebhookEndpoint], { description: "The caller's webhook endpoints (an admin's: all)." })
  webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return this.webhooks.list(ctx);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [WebhookDelivery], { description: 'Deliveries to one endpoint, newest first (at most 200).' })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true }) status?: WebhookDeliveryStatus | null,
  ): Promise<WebhookDelivery[]> {
    return this.webhooks.deliveries(ctx, endpointId, status);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => WebhookEndpointCreated)
  createWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('url', () => String) url: string,
    @Arg('events', () => [String]) events: string[],
  ): Promise<WebhookEndpointCreated> {
    return this.webhooks.create(ctx, url, events);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Boolean)
  deleteWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return this.webhooks.delete(ctx, id);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => WebhookDelivery)
  redeliverWebhook(@Ctx() ctx: RequestContext, @Arg('deliveryId', () => ID) deliveryId: string): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(ctx, deliveryId);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @FieldResolver(() => WebhookEndpoint)
  endpoint(@Root() delivery: WebhookDelivery): Promise<WebhookEndpoint> {
    return delivery.endpoint.loadOrFail();
  }

  @FieldResolver(() => [WebhookAttempt], { description: 'Every POST of this delivery, oldest first.' })
  attemptLog(@Ctx() ctx: RequestContext, @Root() delivery: WebhookDelivery): Promise<WebhookAttempt[]> {
    return this.webhooks.attemptLog(ctx, delivery);
  }
}
