import { LockMode, type FilterQuery } from '@mikro-orm/core';
import { actingProvider, requireActor } from '../accounts/ownership';
import type { RateLimits } from '../accounts/rate-limits';
import { Role } from '../accounts/role';
import { paginate, type Page, type PageArgs } from '../graphql/connection';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput, DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import { jobs, REDELIVERY_ATTEMPTS, WEBHOOK_ATTEMPTS } from '../jobs';
import { SecretBox } from '../infra/secret-box';
import { parseReceiverUrl } from './webhook-address';
import { newSecret, postSigned, signedHeaders, type SendOutcome, type WebhookSettings } from './webhook-sender';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { WEBHOOK_EVENTS, WebhookDeliveryStatus, type WebhookEvent } from './webhook.enums';
import { WEBHOOK_DELIVERY_STATES } from './webhook.state';
import type { WebhookEndpointCreated } from './webhook.types';

const MAX_ENDPOINTS = 20;
const NEWEST_FIRST = { createdAt: 'desc', id: 'desc' } as const;

/** One or more known event names, each once. */
function parseEvents(events: readonly string[]): WebhookEvent[] {
  if (events.length === 0) throw new BadInput('events', 'name at least one event');
  const unknown = events.find((event) => !(WEBHOOK_EVENTS as readonly string[]).includes(event));
  if (unknown !== undefined)
    throw new BadInput('events', `"${unknown.slice(0, 40)}" is not an event; use ${WEBHOOK_EVENTS.join(', ')}`);
  return [...new Set(events)] as WebhookEvent[];
}

function succeeded(outcome: SendOutcome): boolean {
  return outcome.responseStatus !== null && outcome.responseStatus >= 200 && outcome.responseStatus < 300;
}

/** A delivery's status moves only through its state table. */
function settle(delivery: WebhookDelivery, to: WebhookDeliveryStatus): void {
  WEBHOOK_DELIVERY_STATES.assertMove(delivery.status, to, 'server');
  delivery.status = to;
}

/** Outgoing webhooks: endpoints of providers (admins: of all), their delivery log, and the delivery job. */
export class WebhookService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly limits: RateLimits,
  ) {
    this.secrets = new SecretBox(settings.encryptionKey, 'WEBHOOK_ENCRYPTION_KEY');
  }

  /** Registers a receiver; its signing secret is answered here once and never shown again. */
  async create(ctx: RequestContext, urlInput: string, eventsInput: string[]): Promise<WebhookEndpointCreated> {
    const actor = requireActor(ctx);
    const url = parseReceiverUrl(urlInput, this.settings.allowHttp);
    const events = parseEvents(eventsInput);
    const provider = actor.role === Role.ADMIN ? null : await actingProvider(ctx);
    if ((await ctx.em.count(WebhookEndpoint, { provider })) >= MAX_ENDPOINTS)
      throw new BadInput('url', `at most ${MAX_ENDPOINTS} endpoints; delete one first`);
    const secret = newSecret();
    const endpoint = ctx.em.create(WebhookEndpoint, {
      provider,
      url,
      events,
      secret: this.secrets.seal(secret),
      createdAt: ctx.clock.now(),
    });
    await ctx.em.flush();
    return { endpoint, secret };
  }

  /** The caller's endpoints; an admin's list holds every endpoint. */
  async list(ctx: RequestContext): Promise<WebhookEndpoint[]> {
    const actor = requireActor(ctx);
    const where = actor.role === Role.ADMIN ? {} : { provider: await actingProvider(ctx) };
    return ctx.em.find(WebhookEndpoint, where, { orderBy: { id: 'asc' }, limit: MAX_ROWS.webhookEndpoints });
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    const endpoint = await this.endpoint(ctx, id, 'id');
    await ctx.em.remove(endpoint).flush();
    return true;
  }

  /** An endpoint's deliveries, newest first. */
  async deliveries(
    ctx: RequestContext,
    endpointId: string,
    status?: WebhookDeliveryStatus | null,
  ): Promise<WebhookDelivery[]> {
    return ctx.em.find(WebhookDelivery, await this.deliveriesWhere(ctx, endpointId, status), {
      orderBy: NEWEST_FIRST,
      limit: MAX_ROWS.webhookDeliveries,
    });
  }

  async deliveriesConnection(
    ctx: RequestContext,
    endpointId: string,
    status: WebhookDeliveryStatus | null | undefined,
    page: PageArgs,
  ): Promise<Page<WebhookDelivery>> {
    return paginate(ctx.em, WebhookDelivery, await this.deliveriesWhere(ctx, endpointId, status), NEWEST_FIRST, page);
  }

  private async deliveriesWhere(
    ctx: RequestContext,
    endpointId: string,
    status?: WebhookDeliveryStatus | null,
  ): Promise<FilterQuery<WebhookDelivery>> {
    return { endpoint: await this.endpoint(ctx, endpointId, 'endpointId'), ...(status ? { status } : {}) };
  }

  attemptLog(ctx: RequestContext, delivery: WebhookDelivery): Promise<WebhookAttempt[]> {
    return ctx.em.find(WebhookAttempt, { delivery }, { orderBy: { id: 'asc' }, limit: WEBHOOK_ATTEMPTS });
  }

  /**
   * Sends an event again as a new delivery (same event id, same body) to its endpoint, with a short retry
   * schedule (REDELIVERY_ATTEMPTS): someone is watching. Limited per account (RATE_LIMITED), and at most
   * one delivery of an event to an endpoint is pending: asked again meanwhile, it answers that one. The
   * endpoint's row is locked first, so that concurrent asks see each other.
   */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    const id = parseId('deliveryId', deliveryId);
    await this.limits.redelivery(ctx, requireActor(ctx).userId);
    return inTransaction(ctx, async (tx) => {
      const original = await tx.em.findOne(WebhookDelivery, id);
      if (!original) throw new NotFound('WebhookDelivery', deliveryId);
      const endpoint = await this.endpoint(tx, String(original.endpoint.id), 'deliveryId');
      if (!endpoint.active)
        throw new DomainError(
          'INVALID_TRANSITION',
          'This endpoint was switched off (it answered 410 Gone): register it again',
        );
      await tx.em.lock(endpoint, LockMode.PESSIMISTIC_WRITE);
      const pending = await tx.em.findOne(
        WebhookDelivery,
        { endpoint, eventId: original.eventId, status: WebhookDeliveryStatus.PENDING },
        { refresh: true },
      );
      if (pending) return pending;
      const again = tx.em.create(WebhookDelivery, {
        endpoint,
        eventId: original.eventId,
        event: original.event,
        payload: original.payload,
        createdAt: original.createdAt,
      });
      await tx.em.flush();
      tx.effects.addJob(jobs.deliverWebhook(again.id, REDELIVERY_ATTEMPTS));
      return again;
    });
  }

  /**
   * The deliver_webhook job: one signed POST, made with no transaction open, then logged. A failure is
   * thrown so that graphile-worker tries again later; 410 Gone switches the endpoint off instead.
   */
  async deliver(ctx: RequestContext, deliveryId: number, lastAttempt: boolean): Promise<void> {
    const delivery = await ctx.em.findOne(WebhookDelivery, deliveryId, { populate: ['endpoint'] });
    if (!delivery || delivery.status !== WebhookDeliveryStatus.PENDING) return;
    const endpoint = delivery.endpoint.getEntity();
    const at = ctx.clock.now();
    const outcome = endpoint.active
      ? await this.post(endpoint, delivery, at)
      : { responseStatus: null, error: 'the endpoint is switched off', durationMs: 0 };
    const pending = await inTransaction(ctx, async (tx) => {
      const row = await tx.em.findOne(WebhookDelivery, deliveryId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
      });
      if (!row || row.status !== WebhookDeliveryStatus.PENDING) return false;
      tx.em.create(WebhookAttempt, { delivery: row, at, ...outcome });
      Object.assign(row, {
        attempts: row.attempts + 1,
        responseStatus: outcome.responseStatus,
        lastError: outcome.error,
      });
      if (succeeded(outcome)) {
        settle(row, WebhookDeliveryStatus.DELIVERED);
        row.deliveredAt = tx.clock.now();
      } else if (outcome.responseStatus === 410) {
        await tx.em.nativeUpdate(WebhookEndpoint, { id: endpoint.id }, { active: false });
        settle(row, WebhookDeliveryStatus.FAILED);
      } else if (lastAttempt || !endpoint.active) settle(row, WebhookDeliveryStatus.FAILED);
      return row.status === WebhookDeliveryStatus.PENDING;
    });
    if (pending) throw new Error(`webhook delivery ${deliveryId} failed: ${outcome.error}`);
  }

  private async post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, at: Date): Promise<SendOutcome> {
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.event,
      createdAt: delivery.createdAt.toISOString(),
      data: delivery.payload,
    });
    let secret: string;
    try {
      secret = this.secrets.open(endpoint.secret);
    } catch (error) {
      return { responseStatus: null, error: (error as Error).message, durationMs: 0 };
    }
    return postSigned(this.settings, endpoint.url, body, signedHeaders(secret, delivery.eventId, body, at));
  }

  /** An endpoint the caller manages: its provider's, or any for an admin. */
  private async endpoint(ctx: RequestContext, id: string, field: string): Promise<WebhookEndpoint> {
    const actor = requireActor(ctx);
    const endpoint = await ctx.em.findOne(WebhookEndpoint, parseId(field, id), { populate: ['provider'] });
    if (!endpoint) throw new NotFound('WebhookEndpoint', id);
    if (actor.role !== Role.ADMIN && endpoint.provider?.getEntity().user.id !== actor.userId)
      throw new Forbidden('This webhook endpoint belongs to someone else');
    return endpoint;
  }
}
