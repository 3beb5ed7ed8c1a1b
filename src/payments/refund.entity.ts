import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { RefundStatus } from './payment.enums';
import { Payment } from './payment.entity';

/** Money to give back on a payment: decided in the booking's transaction, sent to Stripe by a retried job. */
@Entity()
export class Refund {
  [OptionalProps]?: 'status' | 'createdAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Payment, { ref: true })
  payment!: Ref<Payment>;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  amount!: string;

  @Enum({ items: () => RefundStatus, nativeEnumName: 'refund_status' })
  status: RefundStatus = RefundStatus.PENDING;

  @Property({ length: 255, nullable: true })
  stripeRefundId?: string | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
