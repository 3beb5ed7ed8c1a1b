import { Field, ID, InputType } from 'type-graphql';
import { PartyInput } from '../booking/booking.inputs';

@InputType('ProposalInput')
export class ProposalInput {
  @Field(() => [ID]) slotIds!: string[];
  @Field(() => PartyInput) party!: PartyInput;
  @Field(() => String, { nullable: true }) message?: string | null;
}
