import { Field, Float, InputType, Int } from 'type-graphql';
import { BookingMode, MeetingProvider } from './service.enums';

@InputType('ServiceInput')
export class ServiceInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field() timezone!: string;
  @Field(() => Int) durationMinutes!: number;
  @Field(() => Int) capacity!: number;
  @Field() priceAmount!: string;
  @Field() currency!: string;
  @Field(() => Float, { nullable: true }) childRate?: number | null;
  @Field(() => Float, { nullable: true }) infantRate?: number | null;
  @Field(() => Float, { nullable: true }) taxRate?: number | null;
  @Field(() => BookingMode, { nullable: true }) bookingMode?: BookingMode | null;
  @Field(() => Boolean, { nullable: true }) requiresPayment?: boolean | null;
  @Field(() => Int, { nullable: true }) minPartySize?: number | null;
  @Field(() => Int, { nullable: true }) maxPartySize?: number | null;
  @Field(() => Int, { nullable: true }) cutoffHours?: number | null;
  @Field(() => Int, { nullable: true }) advanceDays?: number | null;
  @Field(() => MeetingProvider, { nullable: true }) meetingProvider?: MeetingProvider | null;
  @Field(() => Int, { nullable: true }) maxActiveBookingsPerCustomer?: number | null;
  @Field(() => Boolean, { nullable: true }) allowOverlappingBookings?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Minutes kept free before each appointment, 0 to 1440 (default 0).' }) bufferBeforeMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Minutes kept free after each appointment, 0 to 1440 (default 0).' }) bufferAfterMinutes?: number | null;
}

@InputType('ServiceUpdateInput')
export class ServiceUpdateInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => Int, { nullable: true }) durationMinutes?: number | null;
  @Field(() => Int, { nullable: true }) capacity?: number | null;
  @Field(() => String, { nullable: true }) priceAmount?: string | null;
  @Field(() => Float, { nullable: true }) childRate?: number | null;
  @Field(() => Float, { nullable: true }) infantRate?: number | null;
  @Field(() => Float, { nullable: true }) taxRate?: number | null;
  @Field(() => BookingMode, { nullable: true }) bookingMode?: BookingMode | null;
  @Field(() => Boolean, { nullable: true }) requiresPayment?: boolean | null;
  @Field(() => Int, { nullable: true }) minPartySize?: number | null;
  @Field(() => Int, { nullable: true }) maxPartySize?: number | null;
  @Field(() => Int, { nullable: true }) cutoffHours?: number | null;
  @Field(() => Int, { nullable: true }) advanceDays?: number | null;
  @Field(() => MeetingProvider, { nullable: true }) meetingProvider?: MeetingProvider | null;
  @Field(() => Int, { nullable: true }) maxActiveBookingsPerCustomer?: number | null;
  @Field(() => Boolean, { nullable: true }) allowOverlappingBookings?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Minutes kept free before each appointment, 0 to 1440 (default 0).' }) bufferBeforeMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Minutes kept free after each appointment, 0 to 1440 (default 0).' }) bufferAfterMinutes?: number | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
}
