import { PartyInput } from '../booking/booking.inputs';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../core/scalars';

@InputType('WaitlistInput')
export class WaitlistInput {
  @Field(() => ID) serviceId!: string;
  @Field(() => ID, { nullable: true }) slotId?: string | null;
  @Field(() => DateScalar, { nullable: true }) date?: string | null;
  @Field(() => Int) partySize!: number;
  @Field(() => PartyInput, { nullable: true, description: 'Priced as a booking would be when the offer is claimed; partySize must then match its total.' })
  party?: PartyInput | null;
}
