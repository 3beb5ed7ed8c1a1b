import { Field, ID, InputType } from 'type-graphql';
import { PartyInput } from '../booking/booking.inputs';

@InputType('ProposalInput', { description: 'What `propose` takes.' })
export class ProposalInput {
  @Field(() => [ID], { description: 'One or more slots of one APPROVAL service.' }) slotIds!: string[];
  @Field(() => PartyInput, { description: 'Who would come.' }) party!: PartyInput;
  @Field(() => String, { description: 'A message to the provider.', nullable: true }) message?: string | null;
}
