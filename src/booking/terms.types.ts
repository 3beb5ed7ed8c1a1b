import { Ctx, Field, FieldResolver, Float, Int, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../core/context';
import { Money } from '../graphql/money.type';
import { Slot } from '../scheduling/slot.entity';
import type { PriceBreakdown } from './booking.inputs';
import { lineAmount, PartyCategory, type PriceBreakdownAmounts, type PriceLine, unitPrice } from './pricing';
import type { AgreedPromo } from '../promotions/discount';
import { PromoCodeKind } from '../promotions/promo-code.entity';
import type { AgreedTerms } from './terms';

registerEnumType(PartyCategory, {
  name: 'PartyCategory',
  description: 'Who a price line is for: adults pay the slot price, children and infants their agreed share of it.',
  valuesConfig: {
    ADULT: { description: 'Adults: the slot price.' },
    CHILD: { description: 'Children: the slot price times the agreed childRate.' },
    INFANT: { description: 'Infants: the slot price times the agreed infantRate.' },
  },
});

@ObjectType('CancellationPolicy', {
  description:
    "What a customer's cancellation (or cheaper change) gives back, as agreed: the share of what was paid at least cutoffHours before the first slot, and the share later. The provider's cancellation always gives everything back.",
})
export class CancellationPolicy {
  @Field(() => Int, { description: 'Hours before the first slot that divide the two shares.' })
  cutoffHours!: number;
  @Field(() => Float, { description: 'Share given back at least cutoffHours before the start (1: all of it).' })
  refundBeforeCutoff!: number;
  @Field(() => Float, { description: 'Share given back later than that (0: nothing).' })
  refundAfterCutoff!: number;
}

@ObjectType('AgreedTerms', {
  description:
    'What the customer agreed to, stored when they agreed (booked, proposed, accepted a counter-offer, joined a waitlist) and never re-read from the service: the rates, the currency and the cancellation policy. The slot prices are in the price lines.',
})
export class AgreedTermsView {
  @Field({ description: 'ISO 4217 code of every amount.' }) currency!: string;
  @Field(() => Float, { description: "A child's share of the adult price." }) childRate!: number;
  @Field(() => Float, { description: "An infant's share of the adult price." }) infantRate!: number;
  @Field(() => Float, { description: 'Tax on the subtotal, as a fraction (0.22 is 22%).' }) taxRate!: number;
  @Field(() => CancellationPolicy, { description: 'What a cancellation gives back.' })
  cancellationPolicy!: CancellationPolicy;
}

export function termsView(terms: AgreedTerms): AgreedTermsView {
  return Object.assign(new AgreedTermsView(), {
    currency: terms.currency,
    childRate: Number(terms.childRate),
    infantRate: Number(terms.infantRate),
    taxRate: Number(terms.taxRate),
    cancellationPolicy: Object.assign(new CancellationPolicy(), {
      cutoffHours: terms.cutoffHours,
      refundBeforeCutoff: Number(terms.refundBeforeCutoff),
      refundAfterCutoff: Number(terms.refundAfterCutoff),
    }),
  });
}

@ObjectType('PriceLine', {
  description:
    'One line of a price: `count` people of one category on one slot at one unit price. Amounts are shown rounded to the minor unit; the subtotal is their exact sum, rounded once.',
})
export class PriceLineView {
  slotId!: number;
  @Field(() => PartyCategory, { description: 'Adults, children or infants.' }) category!: PartyCategory;
  @Field(() => Int, { description: 'How many people of the category.' }) count!: number;
  @Field(() => Money, { description: 'What one of them pays for the slot: the slot price times their rate.' })
  unitPrice!: Money;
  @Field(() => Money, { description: 'count x unitPrice.' }) amount!: Money;
  @Field(() => Float, { description: 'The tax rate agreed for this line.' }) taxRate!: number;
}

@ObjectType('DiscountLine', {
  description: 'What a promo code took off the price, as agreed when the booking was made.',
})
export class DiscountLineView {
  @Field({ description: 'The promo code, in capitals.' }) code!: string;
  @Field(() => PromoCodeKind, { description: 'A percentage or a fixed amount off.' }) kind!: PromoCodeKind;
  @Field(() => Float, { description: 'PERCENT: the percentage off (10 is 10%); null for FIXED.', nullable: true })
  percentOff!: number | null;
  @Field(() => Money, { description: 'What it took off subtotal + tax; never more than that.' }) amount!: Money;
}

/** A price breakdown of stored amounts and lines, in `currency`, with the promo code agreed, if any. */
export function priceBreakdown(
  amounts: PriceBreakdownAmounts,
  lines: PriceLine[],
  currency: string,
  promo?: AgreedPromo,
): PriceBreakdown {
  const money = (amount: { toString(): string }) => Money.of(amount, currency);
  return {
    discounts: promo
      ? [
          Object.assign(new DiscountLineView(), {
            code: promo.code,
            kind: promo.kind,
            percentOff: promo.kind === PromoCodeKind.PERCENT ? Number(promo.value) : null,
            amount: money(amounts.discount),
          }),
        ]
      : [],
    subtotal: money(amounts.subtotal),
    discount: money(amounts.discount),
    tax: money(amounts.tax),
    total: money(amounts.total),
    lines: lines.map((line) =>
      Object.assign(new PriceLineView(), {
        slotId: line.slotId,
        category: line.category,
        count: line.count,
        unitPrice: money(unitPrice(line)),
        amount: money(lineAmount(line)),
        taxRate: Number(line.taxRate),
      }),
    ),
  };
}

@Resolver(() => PriceLineView)
export class PriceLineResolver {
  @FieldResolver(() => Slot, { description: 'The slot the line is for.' })
  slot(@Root() line: PriceLineView, @Ctx() ctx: RequestContext): Promise<Slot> {
    // A reference load: the lines of one answer share one batched read of their slots.
    return ctx.em.getReference(Slot, line.slotId, { wrapped: true }).loadOrFail();
  }
}
