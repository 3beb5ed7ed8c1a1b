import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { JSONScalar } from '../core/scalars';
import { Booking } from './booking.entity';
import { textCost } from '../core/limits';

/** One change to a booking: who, what it was before and after, why, and from where. */
@ObjectType('AuditEntry', { description: 'One recorded change to a booking: who, what, when and why.' })
@Entity()
export class AuditEntry {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the entry.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Booking, { ref: true, index: true, deleteRule: 'cascade' })
  booking!: Ref<Booking>;

  @Field({ description: 'What happened, e.g. "booking.created", "booking.cancelled".' })
  @Property({ length: 50 })
  action!: string;

  /** Null when the server acted on its own (expiry, webhooks). */
  @ManyToOne(() => User, { ref: true, nullable: true })
  actor?: Ref<User> | null;

  @Field(() => JSONScalar, {
    description: "The booking's relevant fields before the change (null on creation).",
    nullable: true,
  })
  @Property({ type: 'json', nullable: true })
  before?: object | null;

  @Field(() => JSONScalar, { description: "The booking's relevant fields after the change.", nullable: true })
  @Property({ type: 'json', nullable: true })
  after?: object | null;

  @Field(() => String, {
    description: 'The reason given with the change, if any.',
    nullable: true,
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ length: 64, nullable: true })
  ip?: string | null;

  @Property({ length: 500, nullable: true })
  userAgent?: string | null;

  @Field({ description: 'When the change was made.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
