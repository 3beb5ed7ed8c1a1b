import { PartyInput } from '../booking/booking.inputs';
import { ContactInput } from '../booking/contact';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../graphql/scalars';

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
  @Field(() => ContactInput, {
    nullable: true,
    description:
      'Who the seats are for, when not the account holder: shown to the provider, mailed the offer too, and the contact of the booking a claimed offer makes.',
  })
  contact?: ContactInput | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Notes for the provider, at most 2,000 characters, e.g. "Flexible on time": shown in the service\'s waitlist and kept as the notes of the booking a claimed offer makes.',
  })
  notes?: string | null;
}
