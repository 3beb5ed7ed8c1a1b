import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Money } from '../core/money.type';
import { ContactInput } from './contact';

@InputType('PartyInput')
export class PartyInput {
  @Field(() => Int) adults!: number;
  @Field(() => Int, { nullable: true, defaultValue: 0 }) children?: number | null;
  @Field(() => Int, { nullable: true, defaultValue: 0 }) infants?: number | null;
}

@InputType('BookInput')
export class BookInput {
  @Field(() => [ID]) slotIds!: string[];
  @Field(() => PartyInput) party!: PartyInput;
  @Field(() => String, { nullable: true }) notes?: string | null;
  @Field(() => String, { nullable: true }) specialRequirements?: string | null;
  @Field(() => ContactInput, { nullable: true, description: 'Who the booking is for, when not the account holder: booking emails go to this address too.' })
  contact?: ContactInput | null;
  @Field(() => String, { nullable: true, description: 'Dietary restrictions of the party, at most 2,000 characters; shown to the booking\'s participants only.' })
  dietaryRestrictions?: string | null;
  @Field(() => String, { nullable: true, description: 'Accessibility needs of the party, at most 2,000 characters; shown to the booking\'s participants only.' })
  accessibilityNeeds?: string | null;
}

@InputType('ModifyBookingInput')
export class ModifyBookingInput {
  @Field(() => [ID], { nullable: true }) slotIds?: string[] | null;
  @Field(() => PartyInput, { nullable: true }) party?: PartyInput | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@ObjectType('Party')
export class Party {
  @Field(() => Int) adults!: number;
  @Field(() => Int) children!: number;
  @Field(() => Int) infants!: number;
  @Field(() => Int) total!: number;
}

@ObjectType('PriceBreakdown')
export class PriceBreakdown {
  @Field(() => Money) subtotal!: Money;
  @Field(() => Money) discount!: Money;
  @Field(() => Money) tax!: Money;
  @Field(() => Money) total!: Money;
}
