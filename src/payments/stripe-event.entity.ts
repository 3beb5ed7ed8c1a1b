import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A verified Stripe webhook event, stored once by its id; a job applies it and sets `processedAt`. */
@Entity()
export class StripeEvent {
  [OptionalProps]?: 'receivedAt';

  @PrimaryKey({ length: 255 })
  id!: string;

  @Property({ length: 100 })
  type!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  processedAt?: Date | null;

  /** What applying it did, in a few words (for support). */
  @Property({ length: 200, nullable: true })
  outcome?: string | null;
}
