import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { WebhookDeliveryStatus } from './webhook.enums';

/** A receiver of signed event POSTs: a provider's (its own services' events) or an admin's (every provider's). */
@ObjectType('WebhookEndpoint')
@Entity()
export class WebhookEndpoint {
  [OptionalProps]?: 'active' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  /** Null: made by an admin, it receives the events of every provider. */
  @Index()
  @ManyToOne(() => Provider, { ref: true, nullable: true, deleteRule: 'cascade' })
  provider?: Ref<Provider> | null;

  @Field()
  @Property({ length: 2000 })
  url!: string;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  events!: string[];

  /** The signing secret, sealed with WEBHOOK_ENCRYPTION_KEY when one is set (see core/secret-box.ts). */
  @Property({ type: 'text' })
  secret!: string;

  /** Switched off when the receiver answers 410 Gone. */
  @Field()
  @Property()
  active: boolean = true;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** One event sent (or to be sent) to one endpoint; the same event goes to every endpoint with the same `eventId`. */
@ObjectType('WebhookDelivery')
@Entity()
@Index({ properties: ['endpoint', 'createdAt'] })
export class WebhookDelivery {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  /** The body's `id`, also on a redelivery: receivers drop events they already have. */
  @Field()
  @Property({ type: 'uuid' })
  eventId!: string;

  @Field()
  @Property({ length: 40 })
  event!: string;

  /** The body's `data`. */
  @Property({ type: 'jsonb' })
  payload!: object;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int)
  @Property()
  attempts: number = 0;

  @Field(() => Int, { nullable: true })
  @Property({ nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** The event's time: the body's `createdAt`. */
  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}

/** The log of one POST of a delivery. */
@ObjectType('WebhookAttempt')
@Entity()
export class WebhookAttempt {
  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @Index()
  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade' })
  delivery!: Ref<WebhookDelivery>;

  @Field()
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => Int, { nullable: true })
  @Property({ nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Int)
  @Property()
  durationMs!: number;
}
