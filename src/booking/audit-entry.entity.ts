import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { AuditSubject } from '../core/audit';
import { JSONScalar } from '../graphql/scalars';
import { Booking } from './booking.entity';
import { textCost } from '../graphql/limits';

/** One change to a booking, a proposal, a waitlist entry, a service, a schedule or a slot: who, what it was before and after, why, and from where. */
@ObjectType('AuditEntry', {
  description:
    'One recorded change to a booking, a proposal, a waitlist entry, a service, a schedule or a slot: who, what, when and why.',
})
@Entity()
@Index({ properties: ['subject', 'subjectId'] })
export class AuditEntry {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the entry.' })
  @PrimaryKey()
  id!: number;

  /** Set for a booking's entries (its history), which go with the booking. */
  @ManyToOne(() => Booking, { ref: true, index: true, deleteRule: 'cascade', nullable: true })
  booking?: Ref<Booking> | null;

  @Field(() => AuditSubject, { description: 'What the entry is about.' })
  @Enum({ items: () => AuditSubject, fieldName: 'subject_type' })
  subject!: AuditSubject;

  @Field(() => ID, { description: "The id of what it is about (the booking's, the service's, ...)." })
  @Property()
  subjectId!: number;

  @Field({
    description:
      'What happened, e.g. "booking.created", "booking.cancelled", "proposal.countered", "service.updated", "slot.closed".',
  })
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

  /** The client address of the request that made the change (TRUST_PROXY decides which); admins read it (AuditEntryResolver). */
  @Property({ length: 64, nullable: true })
  ip?: string | null;

  /** The User-Agent of that request; admins read it. */
  @Property({ length: 500, nullable: true })
  userAgent?: string | null;

  @Field({ description: 'When the change was made.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
