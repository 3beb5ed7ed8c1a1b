import { OptionalProps, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Money } from '../graphql/money.type';
import { BookingMode, MeetingProvider } from './service.enums';
import { listCost, textCost } from '../graphql/limits';
import { QUESTION_LIMITS, ServiceQuestion } from './service-questions';

/** What is booked: a sector, a tour, a consultation. */
@ObjectType('Service', {
  description: 'What is booked: a sector, a tour, a consultation. Its slots carry the seats; its provider manages it.',
})
@Entity()
export class Service {
  [OptionalProps]?:
    | 'childRateValue'
    | 'infantRateValue'
    | 'taxRateValue'
    | 'lateCancellationRefundValue'
    | 'bookingMode'
    | 'requiresPayment'
    | 'minPartySize'
    | 'cutoffHours'
    | 'advanceDays'
    | 'meetingProvider'
    | 'meetingProviders'
    | 'maxActiveBookingsPerCustomer'
    | 'allowOverlappingBookings'
    | 'bufferBeforeMinutes'
    | 'bufferAfterMinutes'
    | 'active'
    | 'createdAt'
    | 'price'
    | 'childRate'
    | 'infantRate'
    | 'taxRate'
    | 'lateCancellationRefund'
    | 'questions';

  @Field(() => ID, { description: 'Stable identifier of the service.' })
  @PrimaryKey()
  id!: number;

  @Index()
  @ManyToOne(() => Provider, { ref: true })
  provider!: Ref<Provider>;

  @Field({ description: 'Display name, one line.' })
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, {
    description: 'Free-text description; null when not written.',
    nullable: true,
    complexity: textCost(10_000),
  })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => String, {
    description: 'Free-form category, stored lower-case, used by the `services(category)` filter; null when none.',
    nullable: true,
  })
  @Property({ length: 100, nullable: true })
  category?: string | null;

  /** IANA zone in which schedules, blackouts and availability dates are read. */
  @Field({
    description:
      'IANA time zone of the place (e.g. Europe/Rome): schedule times and availability dates are local to it.',
  })
  @Property({ length: 64 })
  timezone!: string;

  @Field(() => Int, { description: 'Length of one slot in minutes.' })
  @Property()
  durationMinutes!: number;

  /** Default seats of new slots. */
  @Field(() => Int, { description: 'Seats per slot unless a schedule or slot sets its own.' })
  @Property()
  capacity!: number;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  priceAmount!: string;

  @Property({ length: 3 })
  currency!: string;

  @Property({ type: 'decimal', precision: 6, scale: 4 })
  childRateValue: string = '1';

  @Property({ type: 'decimal', precision: 6, scale: 4 })
  infantRateValue: string = '0';

  @Property({ type: 'decimal', precision: 6, scale: 4 })
  taxRateValue: string = '0';

  @Property({ type: 'decimal', precision: 6, scale: 4 })
  lateCancellationRefundValue: string = '0';

  @Field(() => BookingMode, {
    description: 'INSTANT: `book` directly; APPROVAL: customers `propose` and the provider accepts.',
  })
  @Enum({ items: () => BookingMode, nativeEnumName: 'booking_mode' })
  bookingMode: BookingMode = BookingMode.INSTANT;

  @Field({
    description: 'Whether bookings are paid by card (they start PENDING_PAYMENT); free services confirm at once.',
  })
  @Property()
  requiresPayment: boolean = false;

  @Field(() => Int, { description: 'The smallest party (every person counted) one booking may have; 1 by default.' })
  @Property()
  minPartySize: number = 1;

  @Field(() => Int, { description: 'The largest party (every person counted) one booking may have.' })
  @Property()
  maxPartySize!: number;

  @Field(() => Int, {
    description:
      "Bookings close this many hours before a slot starts; a customer's cancel at least this long before the start is refunded in full (for bookings made from now on: each booking keeps the policy it was made with). 0 by default.",
  })
  @Property()
  cutoffHours: number = 0;

  @Field(() => Int, { description: 'How many days ahead a slot may be booked; 365 by default.' })
  @Property()
  advanceDays: number = 365;

  @Field(() => Int, {
    description: 'At most this many bookings awaiting payment or confirmed per customer at once; 0 means no limit.',
  })
  @Property()
  maxActiveBookingsPerCustomer: number = 0;

  @Field({
    description: 'Whether one customer may hold bookings of this service that overlap in time (false by default).',
  })
  @Property()
  allowOverlappingBookings: boolean = false;

  @Field(() => Int, {
    description:
      'Minutes kept free before each appointment of this service (capacity-1 services share the provider\'s time; README, "Appointments and buffers").',
  })
  @Property()
  bufferBeforeMinutes: number = 0;

  @Field(() => Int, {
    description: 'Minutes kept free after each appointment of this service, before the provider can be booked again.',
  })
  @Property()
  bufferAfterMinutes: number = 0;

  @Field(() => MeetingProvider, { description: 'Which online meeting link bookings get, if any.' })
  @Enum({ items: () => MeetingProvider, nativeEnumName: 'meeting_provider' })
  meetingProvider: MeetingProvider = MeetingProvider.NONE;

  @Field(() => [MeetingProvider], {
    description:
      'The meeting providers a customer may choose from when booking, at most 6; empty: every booking gets meetingProvider.',
  })
  @Property({ type: 'text[]' })
  meetingProviders: MeetingProvider[] = [];

  @Field({ description: 'Published: inactive services are hidden from customers and cannot be booked.' })
  @Property()
  active: boolean = true;

  @Field(() => [ServiceQuestion], {
    description: `What whoever books is asked, in order (at most ${QUESTION_LIMITS.questions}); answers go in \`answers\` of book.`,
    complexity: listCost(1, QUESTION_LIMITS.questions),
  })
  @Property({ type: 'json' })
  questions: ServiceQuestion[] = [];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Money, { description: 'Price of one adult seat on one slot, unless a schedule or slot sets its own.' })
  get price(): Money {
    return Money.of(this.priceAmount, this.currency);
  }

  @Field(() => Float, { description: "A child's seat costs this fraction of the adult price (1 by default)." })
  get childRate(): number {
    return Number(this.childRateValue);
  }

  @Field(() => Float, { description: "An infant's seat costs this fraction of the adult price (0 by default)." })
  get infantRate(): number {
    return Number(this.infantRateValue);
  }

  @Field(() => Float, { description: 'Tax added to the subtotal, as a fraction (0.22 is 22%); 0 by default.' })
  get taxRate(): number {
    return Number(this.taxRateValue);
  }

  @Field(() => Float, {
    description:
      "The share of what was paid that a customer's cancellation (or cheaper change) later than cutoffHours before the start gets back: 0 by default (nothing), 0.5 half, 1 all. New bookings agree to it; existing ones keep theirs.",
  })
  get lateCancellationRefund(): number {
    return Number(this.lateCancellationRefundValue);
  }
}
