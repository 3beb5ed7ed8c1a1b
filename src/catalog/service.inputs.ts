import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ServiceQuestionInput } from './service-questions';
import { BookingMode, MeetingProvider } from './service.enums';

@InputType('ServiceInput', {
  description: 'A new service. Omitted optional fields take the defaults described on Service.',
})
export class ServiceInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'Admins acting for a provider: the provider the service is made for (required then). A provider may name only itself (else FORBIDDEN).',
  })
  providerId?: string | null;
  @Field({ description: 'Display name, one line.' }) name!: string;
  @Field(() => String, { description: 'Free-text description.', nullable: true }) description?: string | null;
  @Field(() => String, { description: 'Free-form category (stored lower-case).', nullable: true }) category?:
    | string
    | null;
  @Field({ description: 'IANA time zone of the place, e.g. Europe/Rome.' }) timezone!: string;
  @Field(() => Int, { description: 'Length of one slot, in minutes (positive).' }) durationMinutes!: number;
  @Field(() => Int, { description: 'Seats per slot (positive).' }) capacity!: number;
  @Field({ description: 'Adult price per slot as a decimal string, e.g. "45.00" (not negative).' })
  priceAmount!: string;
  @Field({ description: 'ISO 4217 code, e.g. EUR.' }) currency!: string;
  @Field(() => Float, { description: 'Fraction of the adult price a child pays (default 1).', nullable: true })
  childRate?: number | null;
  @Field(() => Float, { description: 'Fraction of the adult price an infant pays (default 0).', nullable: true })
  infantRate?: number | null;
  @Field(() => Float, { description: 'Tax as a fraction of the subtotal, e.g. 0.22 (default 0).', nullable: true })
  taxRate?: number | null;
  @Field(() => Float, {
    description: "Share of what was paid a customer's cancellation inside the cutoff gets back, 0 to 1 (default 0).",
    nullable: true,
  })
  lateCancellationRefund?: number | null;
  @Field(() => BookingMode, { description: 'INSTANT (default) or APPROVAL.', nullable: true })
  bookingMode?: BookingMode | null;
  @Field(() => Boolean, {
    description:
      'Whether bookings are paid by card (needs STRIPE_SECRET_KEY on the server, else PAYMENTS_NOT_CONFIGURED).',
    nullable: true,
  })
  requiresPayment?: boolean | null;
  @Field(() => Int, { description: 'Smallest party per booking (default 1).', nullable: true }) minPartySize?:
    | number
    | null;
  @Field(() => Int, { description: 'Largest party per booking (default: the capacity).', nullable: true })
  maxPartySize?: number | null;
  @Field(() => Int, {
    description: 'Bookings close this many hours before the start; also the free-cancellation limit (default 0).',
    nullable: true,
  })
  cutoffHours?: number | null;
  @Field(() => Int, { description: 'How many days ahead slots may be booked (default 365).', nullable: true })
  advanceDays?: number | null;
  @Field(() => MeetingProvider, { description: 'Online meeting links for bookings (default NONE).', nullable: true })
  meetingProvider?: MeetingProvider | null;
  @Field(() => [MeetingProvider], {
    description:
      'The meeting providers a customer may choose from when booking (`BookInput.meetingProvider`), at most 6, distinct; empty (default): every booking gets meetingProvider.',
    nullable: true,
  })
  meetingProviders?: MeetingProvider[] | null;
  @Field(() => Int, {
    description:
      'At most this many PENDING_PAYMENT or CONFIRMED bookings per customer at once; 0 (default) means no limit.',
    nullable: true,
  })
  maxActiveBookingsPerCustomer?: number | null;
  @Field(() => Boolean, {
    description: 'Whether one customer may hold overlapping bookings of this service (default false).',
    nullable: true,
  })
  allowOverlappingBookings?: boolean | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Minutes kept free before each appointment, 0 to 1440 (default 0).',
  })
  bufferBeforeMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Minutes kept free after each appointment, 0 to 1440 (default 0).' })
  bufferAfterMinutes?: number | null;
  @Field(() => [ServiceQuestionInput], {
    nullable: true,
    description: 'Questions asked whoever books, in order (default none).',
  })
  questions?: ServiceQuestionInput[] | null;
}

@InputType('ServiceUpdateInput', {
  description: 'Changes to a service; omitted fields stay. The time zone and currency cannot change.',
})
export class ServiceUpdateInput {
  @Field(() => String, { description: 'Display name, one line.', nullable: true }) name?: string | null;
  @Field(() => String, { description: 'Free-text description.', nullable: true }) description?: string | null;
  @Field(() => String, { description: 'Free-form category (stored lower-case).', nullable: true }) category?:
    | string
    | null;
  @Field(() => Int, { description: 'Length of new slots, in minutes.', nullable: true }) durationMinutes?:
    | number
    | null;
  @Field(() => Int, { description: 'Seats of new slots.', nullable: true }) capacity?: number | null;
  @Field(() => String, {
    description: 'Adult price per slot as a decimal string; bookings already made keep theirs.',
    nullable: true,
  })
  priceAmount?: string | null;
  @Field(() => Float, { description: 'Fraction of the adult price a child pays.', nullable: true }) childRate?:
    | number
    | null;
  @Field(() => Float, { description: 'Fraction of the adult price an infant pays.', nullable: true }) infantRate?:
    | number
    | null;
  @Field(() => Float, { description: 'Tax as a fraction of the subtotal.', nullable: true }) taxRate?: number | null;
  @Field(() => Float, {
    description: "Share of what was paid a customer's cancellation inside the cutoff gets back, 0 to 1 (new bookings).",
    nullable: true,
  })
  lateCancellationRefund?: number | null;
  @Field(() => BookingMode, { description: 'INSTANT or APPROVAL.', nullable: true }) bookingMode?: BookingMode | null;
  @Field(() => Boolean, { description: 'Whether bookings are paid by card.', nullable: true }) requiresPayment?:
    | boolean
    | null;
  @Field(() => Int, { description: 'Smallest party per booking.', nullable: true }) minPartySize?: number | null;
  @Field(() => Int, { description: 'Largest party per booking.', nullable: true }) maxPartySize?: number | null;
  @Field(() => Int, { description: 'Booking and free-cancellation cutoff, in hours before the start.', nullable: true })
  cutoffHours?: number | null;
  @Field(() => Int, { description: 'How many days ahead slots may be booked.', nullable: true }) advanceDays?:
    | number
    | null;
  @Field(() => MeetingProvider, { description: 'Online meeting links for new bookings.', nullable: true })
  meetingProvider?: MeetingProvider | null;
  @Field(() => [MeetingProvider], {
    description:
      'The meeting providers a customer may choose from when booking (`BookInput.meetingProvider`), at most 6, distinct, for new bookings; empty: every booking gets meetingProvider.',
    nullable: true,
  })
  meetingProviders?: MeetingProvider[] | null;
  @Field(() => Int, {
    description: 'At most this many active bookings per customer; 0 means no limit.',
    nullable: true,
  })
  maxActiveBookingsPerCustomer?: number | null;
  @Field(() => Boolean, { description: 'Whether one customer may hold overlapping bookings.', nullable: true })
  allowOverlappingBookings?: boolean | null;
  @Field(() => Boolean, {
    description: 'false unpublishes the service (hidden, not bookable; bookings made stay); true publishes it.',
    nullable: true,
  })
  active?: boolean | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Minutes kept free before each appointment, 0 to 1440 (default 0).',
  })
  bufferBeforeMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Minutes kept free after each appointment, 0 to 1440 (default 0).' })
  bufferAfterMinutes?: number | null;
  @Field(() => [ServiceQuestionInput], {
    nullable: true,
    description:
      'The questions asked from now on, replacing the list (bookings made keep the questions they answered); [] asks none.',
  })
  questions?: ServiceQuestionInput[] | null;
}
