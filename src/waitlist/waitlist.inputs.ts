import { PartyInput } from '../booking/booking.inputs';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../core/scalars';

@InputType('WaitlistInput', {
  description: 'What `joinWaitlist` takes: a slot, or a service and a local date (exactly one of slotId and date).',
})
export class WaitlistInput {
  @Field(() => ID, { description: 'The service.' }) serviceId!: string;
  @Field(() => ID, { description: 'Queue for this slot.', nullable: true }) slotId?: string | null;
  @Field(() => DateScalar, { description: 'Queue for any slot of the service on this local date.', nullable: true })
  date?: string | null;
  @Field(() => Int, { description: 'Seats wanted (at least 1).' }) partySize!: number;
  @Field(() => PartyInput, {
    nullable: true,
    description: 'Priced as a booking would be when the offer is claimed; partySize must then match its total.',
  })
  party?: PartyInput | null;
}
