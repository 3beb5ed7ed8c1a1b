import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { listCost } from '../graphql/limits';
import { MeetingProvider } from '../catalog/service.enums';
import { Booking } from './booking.entity';
import { PartyInput } from './booking.inputs';
import { MAX_INTERVAL_WEEKS, MAX_OCCURRENCES, BookingSeries } from './series.entity';

@InputType('BookSeriesInput', { description: 'What `bookSeries` takes.' })
export class BookSeriesInput {
  @Field(() => ID, {
    description:
      "The slot of the first occurrence; each later one is the service's slot starting at the same local time (the service's time zone) intervalWeeks weeks after the one before.",
  })
  slotId!: string;
  @Field(() => Int, { description: `How many occurrences, the first included: 2 to ${MAX_OCCURRENCES}.` })
  occurrences!: number;
  @Field(() => Int, {
    nullable: true,
    defaultValue: 1,
    description: `Weeks between two occurrences, 1 (default, weekly) to ${MAX_INTERVAL_WEEKS}.`,
  })
  intervalWeeks?: number | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'false (default): every occurrence is booked or none is (the first refusal answers). true: the occurrences that fit are booked, the others answered in `skipped` with why; if none fits, the first refusal answers.',
  })
  skipUnavailable?: boolean | null;
  @Field(() => PartyInput, { description: "Who comes to every occurrence; must fit the service's party limits." })
  party!: PartyInput;
  @Field(() => String, { description: 'Notes for the provider, on every occurrence.', nullable: true }) notes?:
    | string
    | null;
  @Field(() => MeetingProvider, {
    nullable: true,
    description: "Where the online meetings take place, as in BookInput.meetingProvider; omitted: the service's.",
  })
  meetingProvider?: MeetingProvider | null;
}

@ObjectType('SkippedOccurrence', { description: 'An occurrence of a series that was not booked, and why.' })
export class SkippedOccurrence {
  @Field(() => Int, { description: 'Its place in the series, 1 for the first.' }) occurrence!: number;
  @Field({ description: 'When it would have started.' }) startsAt!: Date;
  @Field(() => ID, { nullable: true, description: 'The slot at that time; null when the service has none.' })
  slotId!: string | null;
  @Field({
    description:
      'The error code a booking of it answered (SLOT_UNAVAILABLE, CAPACITY_EXCEEDED, BAD_USER_INPUT, ...), NO_SLOT when no slot starts then.',
  })
  code!: string;
  @Field({ description: 'Why, for people.' }) reason!: string;
}

@ObjectType('BookSeriesResult', { description: 'What `bookSeries` made.' })
export class BookSeriesResult {
  @Field(() => BookingSeries, { description: 'The series.' }) series!: BookingSeries;
  @Field(() => [Booking], {
    description: `The occurrences booked, by start; at most ${MAX_OCCURRENCES}.`,
    complexity: listCost(0, MAX_OCCURRENCES),
  })
  bookings!: Booking[];
  @Field(() => [SkippedOccurrence], {
    description: `The occurrences not booked (only with skipUnavailable), by start; at most ${MAX_OCCURRENCES - 1}.`,
    complexity: listCost(0, MAX_OCCURRENCES - 1),
  })
  skipped!: SkippedOccurrence[];
}
