import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Booking } from '../booking/booking.entity';
import { Payment } from './payment.entity';

/**
 * A Stripe event that said a payment succeeded for another amount or currency than the booking's intent:
 * it confirmed nothing, and is kept here for the provider and the admins to look into.
 */
@ObjectType('PaymentDiscrepancy', {
  description:
    "A payment success Stripe reported for another amount or currency than the booking's: the booking was not confirmed by it. Shown to the service's provider and admins.",
})
@Entity()
@Index({ properties: ['booking'] })
export class PaymentDiscrepancy {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Booking, { ref: true })
  booking!: Ref<Booking>;

  @ManyToOne(() => Payment, { ref: true })
  payment!: Ref<Payment>;

  @Field({ description: "Stripe's event id (evt_...)." })
  @Property({ length: 255 })
  eventId!: string;

  @Field({ description: "Stripe's event type, e.g. payment_intent.succeeded." })
  @Property({ length: 100 })
  eventType!: string;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  expectedAmount!: string;

  @Property({ length: 3 })
  expectedCurrency!: string;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  reportedAmount!: string;

  @Property({ length: 3 })
  reportedCurrency!: string;

  @Field({ description: 'When the event was applied.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
