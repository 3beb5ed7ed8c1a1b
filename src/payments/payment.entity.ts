import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { PaymentStatus } from './payment.enums';

/** A card payment of one booking: a Stripe PaymentIntent and what the bank has said of it so far. */
@ObjectType('Payment', { description: 'The card payment of a paid booking (a Stripe PaymentIntent).' })
@Entity()
export class Payment {
  [OptionalProps]?: 'refundedAmount' | 'provider' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Stable identifier of the payment.' })
  @PrimaryKey()
  id!: number;

  /** The booking's customer: the only one shown the client secret. */
  @ManyToOne(() => User, { ref: true })
  payer!: Ref<User>;

  @Field(() => PaymentStatus, { description: 'Where the payment is, as Stripe reported it.' })
  @Enum({ items: () => PaymentStatus, nativeEnumName: 'payment_status' })
  status!: PaymentStatus;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  amount!: string;

  @Property({ length: 3 })
  currency!: string;

  /** Money the bank has confirmed given back. */
  @Property({ type: 'decimal', precision: 14, scale: 4 })
  refundedAmount: string = '0';

  /** Null while a Stripe Checkout Session is open: Stripe makes its PaymentIntent when it completes. */
  @Property({ length: 255, unique: true, nullable: true })
  intentId?: string | null;

  /** A guest's payment: the Stripe Checkout Session paying it, and its hosted page. */
  @Property({ length: 255, unique: true, nullable: true })
  checkoutSessionId?: string | null;

  @Property({ type: 'text', nullable: true })
  checkoutUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "For the customer's browser to confirm the payment with Stripe.js; shown only to the customer.",
  })
  @Property({ length: 500, nullable: true })
  clientSecret?: string | null;

  @Field({ description: 'Who processes it: "stripe".' })
  @Property({ length: 20 })
  provider: string = 'stripe';

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
