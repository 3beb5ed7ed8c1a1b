import { Field, ID, InputType, Int } from 'type-graphql';
import { PromoCodeKind } from './promo-code.entity';

@InputType('PromoCodeInput', { description: 'What `createPromoCode` takes.' })
export class PromoCodeInput {
  @Field({
    description:
      "What customers type: 3 to 40 letters, digits, '-' or '_'; stored in capitals and matched without regard to case; unique among the provider's codes.",
  })
  code!: string;
  @Field(() => PromoCodeKind, { description: 'A percentage or a fixed amount off.' })
  kind!: PromoCodeKind;
  @Field({
    description:
      'PERCENT: the percentage off, more than 0 and at most 100 (e.g. "15" or "12.5"). FIXED: the amount off in the service\'s currency (e.g. "5.00"); a code for all services needs them to share one currency.',
  })
  value!: string;
  @Field(() => ID, { nullable: true, description: "Only this service of the provider's; omitted: all of them." })
  serviceId?: string | null;
  @Field(() => ID, { nullable: true, description: 'An admin names the provider it creates the code for.' })
  providerId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Bookings from this instant on may use it; omitted: at once.' })
  validFrom?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Bookings from this instant on may not; omitted: no end.' })
  validUntil?: Date | null;
  @Field(() => Int, {
    nullable: true,
    description: 'At most this many bookings use it (at least 1); omitted: no limit.',
  })
  maxUses?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'false: created deactivated. true by default.' })
  active?: boolean | null;
}

@InputType('PromoCodeUpdateInput', {
  description:
    'What `updatePromoCode` changes: omitted fields stay, null clears validFrom, validUntil or maxUses. Bookings made with the code keep what it took off then.',
})
export class PromoCodeUpdateInput {
  @Field(() => PromoCodeKind, { nullable: true, description: 'A percentage or a fixed amount off (give value too).' })
  kind?: PromoCodeKind | null;
  @Field(() => String, { nullable: true, description: 'The percentage or amount off, as in PromoCodeInput.' })
  value?: string | null;
  @Field(() => Date, { nullable: true, description: 'Bookings from this instant on may use it; null: at once.' })
  validFrom?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Bookings from this instant on may not; null: no end.' })
  validUntil?: Date | null;
  @Field(() => Int, {
    nullable: true,
    description: 'At most this many bookings use it; not fewer than it has now; null: no limit.',
  })
  maxUses?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'false deactivates it, true activates it again.' })
  active?: boolean | null;
}
