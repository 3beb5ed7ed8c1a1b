import Decimal from 'decimal.js';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Service } from '../catalog/service.entity';

export enum PromoCodeKind {
  PERCENT = 'PERCENT',
  FIXED = 'FIXED',
}
registerEnumType(PromoCodeKind, {
  name: 'PromoCodeKind',
  description: 'How a promo code lowers a price.',
  valuesConfig: {
    PERCENT: { description: 'A share of the price (tax included), in percent: 10 is 10% off.' },
    FIXED: {
      description: 'An amount off the price (tax included), in the currency of the service booked; never below zero.',
    },
  },
});

/**
 * A provider's promo code for one of its services or all of them. `uses` counts the bookings that hold a
 * use (counted by `use_promo_code` in the statement that writes the booking, given back when a booking
 * ends unpaid); a booking keeps the code's terms as they were when it was made.
 */
@ObjectType('PromoCode', {
  description:
    "A provider's promo code: a percentage or a fixed amount off, for one service or all of the provider's services, valid in a window, for at most maxUses bookings. Seen by its provider and admins.",
})
@Entity()
export class PromoCode {
  [OptionalProps]?: 'uses' | 'active' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Stable identifier of the promo code.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Provider, { ref: true, deleteRule: 'cascade' })
  provider!: Ref<Provider>;

  /** Null: every service of the provider. */
  @ManyToOne(() => Service, { ref: true, nullable: true, deleteRule: 'cascade' })
  service?: Ref<Service> | null;

  @Field({ description: 'What customers type, as the provider wrote it; matched without regard to case.' })
  @Property({ length: 40 })
  code!: string;

  @Field(() => PromoCodeKind, { description: 'A percentage or a fixed amount off.' })
  @Enum({ items: () => PromoCodeKind })
  kind!: PromoCodeKind;

  /** Percent (PERCENT) or an amount in the booked service's currency (FIXED). */
  @Property({ type: 'decimal', precision: 14, scale: 4 })
  value!: string;

  @Field(() => Date, {
    description: 'Bookings made before this instant cannot use it; null: from creation.',
    nullable: true,
  })
  @Property({ type: 'timestamptz', nullable: true })
  validFrom?: Date | null;

  @Field(() => Date, {
    description: 'Bookings made at or after this instant cannot use it; null: no end.',
    nullable: true,
  })
  @Property({ type: 'timestamptz', nullable: true })
  validUntil?: Date | null;

  @Field(() => Int, { description: 'At most this many bookings hold a use at once; null: no limit.', nullable: true })
  @Property({ nullable: true })
  maxUses?: number | null;

  @Field(() => Int, {
    description:
      'Bookings that hold a use: made with the code and not ended unpaid (expired, or cancelled before any card payment).',
  })
  @Property()
  uses: number = 0;

  @Field({ description: 'false: deactivated; no new booking can use it (bookings made with it keep their price).' })
  @Property()
  active: boolean = true;

  @Field({ description: 'When it was created.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Field(() => Float, { description: 'PERCENT: the percentage off (10 is 10%); null for FIXED.', nullable: true })
  get percentOff(): number | null {
    return this.kind === PromoCodeKind.PERCENT ? Number(this.value) : null;
  }

  @Field(() => String, {
    description:
      'FIXED: the amount off, in the currency of the service booked, as a decimal (e.g. "5" or "7.5"); null for PERCENT.',
    nullable: true,
  })
  get amountOff(): string | null {
    return this.kind === PromoCodeKind.FIXED ? new Decimal(this.value).toString() : null;
  }
}
