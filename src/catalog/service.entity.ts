import { OptionalProps, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Money } from '../core/money.type';
import { BookingMode, MeetingProvider } from './service.enums';

/** What is booked: a sector, a tour, a consultation. */
@ObjectType('Service')
@Entity()
export class Service {
  [OptionalProps]?: 'childRateValue' | 'infantRateValue' | 'taxRateValue' | 'bookingMode' | 'requiresPayment' | 'minPartySize' | 'cutoffHours' | 'advanceDays' | 'meetingProvider' | 'maxActiveBookingsPerCustomer' | 'allowOverlappingBookings' | 'bufferBeforeMinutes' | 'bufferAfterMinutes' | 'active' | 'createdAt' | 'price' | 'childRate' | 'infantRate' | 'taxRate';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @Index()
  @ManyToOne(() => Provider, { ref: true })
  provider!: Ref<Provider>;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 100, nullable: true })
  category?: string | null;

  /** IANA zone in which schedules, blackouts and availability dates are read. */
  @Field()
  @Property({ length: 64 })
  timezone!: string;

  @Field(() => Int)
  @Property()
  durationMinutes!: number;

  /** Default seats of new slots. */
  @Field(() => Int)
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

  @Field(() => BookingMode)
  @Enum({ items: () => BookingMode, nativeEnumName: 'booking_mode' })
  bookingMode: BookingMode = BookingMode.INSTANT;

  @Field()
  @Property()
  requiresPayment: boolean = false;

  @Field(() => Int)
  @Property()
  minPartySize: number = 1;

  @Field(() => Int)
  @Property()
  maxPartySize!: number;

  @Field(() => Int)
  @Property()
  cutoffHours: number = 0;

  @Field(() => Int)
  @Property()
  advanceDays: number = 365;

  @Field(() => Int, { description: 'At most this many bookings awaiting payment or confirmed per customer at once; 0 means no limit.' })
  @Property()
  maxActiveBookingsPerCustomer: number = 0;

  @Field({ description: 'Whether one customer may hold bookings of this service that overlap in time (false by default).' })
  @Property()
  allowOverlappingBookings: boolean = false;

  @Field(() => Int, { description: "Minutes kept free before each appointment of this service (capacity-1 services share the provider's time; README, \"Appointments and buffers\")." })
  @Property()
  bufferBeforeMinutes: number = 0;

  @Field(() => Int, { description: 'Minutes kept free after each appointment of this service, before the provider can be booked again.' })
  @Property()
  bufferAfterMinutes: number = 0;

  @Field(() => MeetingProvider)
  @Enum({ items: () => MeetingProvider, nativeEnumName: 'meeting_provider' })
  meetingProvider: MeetingProvider = MeetingProvider.NONE;

  @Field()
  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Money)
  get price(): Money {
    return Money.of(this.priceAmount, this.currency);
  }

  @Field(() => Float)
  get childRate(): number {
    return Number(this.childRateValue);
  }

  @Field(() => Float)
  get infantRate(): number {
    return Number(this.infantRateValue);
  }

  @Field(() => Float)
  get taxRate(): number {
    return Number(this.taxRateValue);
  }
}
