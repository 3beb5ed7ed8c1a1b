import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Booking } from '../booking/booking.entity';
import { RefundStatus } from './payment.enums';
import { Payment } from './payment.entity';

/**
 * Money given back on a booking. By card: decided in the booking's transaction, sent to Stripe by a retried
 * job, and moved only by the bank's word (the answer to the call, then its events). Without a card payment
 * (cash, transfer) the provider's word is the bank's: it is SUCCEEDED when recorded.
 */
@ObjectType('Refund', {
  description:
    'Money given back on a booking, with where it is. Only SUCCEEDED refunds count in Booking.refunded; a card refund is PENDING until the bank answers.',
})
@Entity()
@Index({ properties: ['booking'] })
export class Refund {
  [OptionalProps]?: 'status' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Stable identifier of the refund.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Booking, { ref: true })
  booking!: Ref<Booking>;

  /** The card payment it gives back; null for money paid outside the system (recorded by the provider). */
  @ManyToOne(() => Payment, { ref: true, nullable: true })
  payment?: Ref<Payment> | null;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  amount!: string;

  @Property({ length: 3 })
  currency!: string;

  @Field(() => RefundStatus, { description: 'Where the refund is, as the bank last said.' })
  @Enum({ items: () => RefundStatus, nativeEnumName: 'refund_status' })
  status: RefundStatus = RefundStatus.PENDING;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was given: a cancellation, a cheaper change, or the provider.',
  })
  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ length: 255, nullable: true })
  stripeRefundId?: string | null;

  @Field(() => String, {
    name: 'failureReason',
    nullable: true,
    description: 'Why the bank refused or cancelled it (FAILED, CANCELED).',
  })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Field({ description: 'When it was asked for.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field({ description: 'When its status last changed.' })
  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
