import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { WebhookDeliveryStatus } from './webhook.enums';

/** A receiver of signed event POSTs: a provider's (its own services' events) or an admin's (every provider's). */
@ObjectType('WebhookEndpoint', {
  description: 'A URL the server POSTs signed events to, for a provider (its services) or an admin (all).',
})
@Entity()
export class WebhookEndpoint {
  [OptionalProps]?: 'active' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the endpoint.' })
  @PrimaryKey()
  id!: number;

  /** Null: made by an admin, it receives the events of every provider. */
  @Index()
  @ManyToOne(() => Provider, { ref: true, nullable: true, deleteRule: 'cascade' })
  provider?: Ref<Provider> | null;

  @Field({ description: 'Where events are POSTed (https, public address unless WEBHOOKS_ALLOW_HTTP=1).' })
  @Property({ length: 2000 })
  url!: string;

  @Field(() => [String], { description: 'The event names it receives, e.g. booking.created.' })
  @Property({ type: 'text[]' })
  events!: string[];

  /** The signing secret, sealed with WEBHOOK_ENCRYPTION_KEY when one is set (see infra/secret-box.ts). */
  @Property({ type: 'text' })
  secret!: string;

  /** Switched off when the receiver answers 410 Gone. */
  @Field({ description: 'Whether events are still sent to it.' })
  @Property()
  active: boolean = true;

  @Field({ description: 'When it was registered.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** One event sent (or to be sent) to one endpoint; the same event goes to every endpoint with the same `eventId`. */
@ObjectType('WebhookDelivery', { description: 'One event sent (or being sent) to one endpoint, with its retries.' })
@Entity()
@Index({ properties: ['endpoint', 'createdAt'] })
export class WebhookDelivery {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the delivery; what `redeliverWebhook` takes.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  /** The body's `id`, also on a redelivery: receivers drop events they already have. */
  @Field({ description: "The event's id (the `id` of the POSTed body); the same on every retry, for de-duplication." })
  @Property({ type: 'uuid' })
  eventId!: string;

  @Field({ description: 'The event name, e.g. booking.created.' })
  @Property({ length: 40 })
  event!: string;

  /** The body's `data`. */
  @Property({ type: 'jsonb' })
  payload!: object;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery is.' })
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int, { description: 'POSTs made so far.' })
  @Property()
  attempts: number = 0;

  @Field(() => Int, { description: 'HTTP status of the last answer; null when none came.', nullable: true })
  @Property({ nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { description: 'Why the last attempt failed; null after success.', nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** The event's time: the body's `createdAt`. */
  @Field({ description: 'When the event happened.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'When an attempt got a 2xx answer; null until then.', nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}

/** The log of one POST of a delivery. */
@ObjectType('WebhookAttempt', { description: 'One POST of a webhook delivery.' })
@Entity()
export class WebhookAttempt {
  @Field(() => ID, { description: 'Stable identifier of the attempt.' })
  @PrimaryKey()
  id!: number;

  @Index()
  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade' })
  delivery!: Ref<WebhookDelivery>;

  @Field({ description: 'When the POST was made.' })
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => Int, { description: 'HTTP status answered; null when none came.', nullable: true })
  @Property({ nullable: true })
  responseStatus?: number | null;

  @Field(() => String, {
    description: 'Why it failed (time-out, connection refused, non-2xx); null on success.',
    nullable: true,
  })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Int, { description: 'How long the POST took, in milliseconds.' })
  @Property()
  durationMs!: number;
}
