import { Field, ID, InputType } from 'type-graphql';
import { AnswerInput } from '../booking/answers';
import { PartyInput } from '../booking/booking.inputs';

@InputType('ProposalInput', { description: 'What `propose` takes.' })
export class ProposalInput {
  @Field(() => [ID], { description: 'One or more slots of one APPROVAL service.' }) slotIds!: string[];
  @Field(() => PartyInput, { description: 'Who would come.' }) party!: PartyInput;
  @Field(() => String, { description: 'A message to the provider.', nullable: true }) message?: string | null;
  @Field(() => [AnswerInput], {
    nullable: true,
    description: "Answers to the service's questions, as in book; the booking made on acceptance keeps them.",
  })
  answers?: AnswerInput[] | null;
}
