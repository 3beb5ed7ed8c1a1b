import { MeetingProvider } from '../catalog/service.enums';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { listCost } from '../graphql/limits';
import { Money } from '../graphql/money.type';
import { MAX_SLOTS_PER_BOOKING } from './booking-rules';
import { AnswerInput } from './answers';
import { ContactInput } from './contact';
import { DiscountLineView, PriceLineView } from './terms.types';

@InputType('PartyInput', { description: 'Who comes; each person takes a seat.' })
export class PartyInput {
  @Field(() => Int, { description: 'At least 1.' }) adults!: number;
  @Field(() => Int, { description: 'Children, 0 by default.', nullable: true, defaultValue: 0 }) children?:
    | number
    | null;
  @Field(() => Int, { description: 'Infants, 0 by default.', nullable: true, defaultValue: 0 }) infants?: number | null;
}

@InputType('BookInput', { description: 'What `book` takes.' })
export class BookInput {
  @Field(() => [ID], { description: 'One or more slots of one service; seats are taken on every slot or on none.' })
  slotIds!: string[];
  @Field(() => PartyInput, { description: "Who comes; must fit the service's minPartySize..maxPartySize." })
  party!: PartyInput;
  @Field(() => String, { description: 'Notes for the provider.', nullable: true }) notes?: string | null;
  @Field(() => String, { description: 'Accessibility, diet or other needs.', nullable: true }) specialRequirements?:
    | string
    | null;
  @Field(() => ContactInput, {
    nullable: true,
    description: 'Who the booking is for, when not the account holder: booking emails go to this address too.',
  })
  contact?: ContactInput | null;
  @Field(() => String, {
    nullable: true,
    description:
      "Dietary restrictions of the party, at most 2,000 characters; shown to the booking's participants only.",
  })
  dietaryRestrictions?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "Accessibility needs of the party, at most 2,000 characters; shown to the booking's participants only.",
  })
  accessibilityNeeds?: string | null;
  @Field(() => [AnswerInput], {
    nullable: true,
    description:
      "Answers to the service's questions (Service.questions): every required one answered, else BAD_USER_INPUT on `answers.<questionId>`.",
  })
  answers?: AnswerInput[] | null;
  @Field(() => String, {
    nullable: true,
    description:
      "A promo code of the service's provider: its discount is shown in the price and kept with the booking. An unknown, inactive, not yet or no longer valid, used-up code, or one for another service, is BAD_USER_INPUT on promoCode (extensions.rule says which).",
  })
  promoCode?: string | null;
  @Field(() => MeetingProvider, {
    nullable: true,
    description:
      "Where the online meeting takes place: one of the service's meetingProviders (or its meetingProvider); omitted: the service's meetingProvider. Another is refused (BAD_USER_INPUT, field meetingProvider).",
  })
  meetingProvider?: MeetingProvider | null;
}

@InputType('ModifyBookingInput', { description: 'What `modifyBooking` changes; omitted fields stay.' })
export class ModifyBookingInput {
  @Field(() => [ID], {
    description: 'The new slots (same service); slots kept keep their agreed price.',
    nullable: true,
  })
  slotIds?: string[] | null;
  @Field(() => PartyInput, { description: 'The new party.', nullable: true }) party?: PartyInput | null;
  @Field(() => String, { description: 'Why, kept in the history.', nullable: true }) reason?: string | null;
}

@ObjectType('Party', { description: 'Who a booking is for; each person takes a seat.' })
export class Party {
  @Field(() => Int, { description: 'Adults (at least 1), at the full price.' }) adults!: number;
  @Field(() => Int, { description: "Children, at the service's childRate." }) children!: number;
  @Field(() => Int, { description: "Infants, at the service's infantRate." }) infants!: number;
  @Field(() => Int, { description: 'Seats taken on each slot: adults + children + infants.' }) total!: number;
}

@ObjectType('PriceBreakdown', {
  description: "What a booking costs: total = subtotal - discount + tax, exact decimals in the service's currency.",
})
export class PriceBreakdown {
  @Field(() => Money, {
    description: 'Sum over the slots of slot price x (adults + children x childRate + infants x infantRate).',
  })
  subtotal!: Money;
  @Field(() => Money, { description: 'Amount a promo code took off (0 when none): see discounts.' }) discount!: Money;
  @Field(() => Money, { description: "subtotal x taxRate, rounded half-up to the currency's minor unit." }) tax!: Money;
  @Field(() => Money, { description: 'What the customer pays.' }) total!: Money;
  @Field(() => [PriceLineView], {
    description: `What the price is made of: one line per slot, category and agreed unit price, by slot; at most ${3 * MAX_SLOTS_PER_BOOKING} (three categories of each slot).`,
    complexity: listCost(0, 3 * MAX_SLOTS_PER_BOOKING),
  })
  lines!: PriceLineView[];
  @Field(() => [DiscountLineView], {
    description: 'What the discount is made of: the promo code the booking was made with, if any (at most one).',
    complexity: listCost(0, 1),
  })
  discounts!: DiscountLineView[];
}
