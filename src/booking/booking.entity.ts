import {
  Check,
  Collection,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { CalendarSync } from '../calendars/calendar.entity';
import { Service } from '../catalog/service.entity';
import { MeetingProvider } from '../catalog/service.enums';
import { Payment } from '../payments/payment.entity';
import { Refund } from '../payments/refund.entity';
import { Slot } from '../scheduling/slot.entity';
import type { BookingAnswer } from './answers';
import { AuditEntry } from './audit-entry.entity';
import { partySize } from './booking-rules';
import { BookingStatus } from './booking.enums';
import type { Contact } from './contact';
import type { PriceLine } from './pricing';
import type { AgreedTerms } from './terms';
import { textCost } from '../graphql/limits';

/** Seats taken by a party on one or more slots of one service. */
@ObjectType('Booking', {
  description:
    'Seats on one or more slots of one service for a party. Visible to its customer, the provider of its service and admins.',
})
@Entity()
@Index({ properties: ['customer', 'startsAt'] })
@Index({ properties: ['service', 'startsAt'] })
@Check({ name: 'booking_party_check', expression: 'adults >= 1 and children >= 0 and infants >= 0' })
export class Booking {
  [OptionalProps]?:
    | 'discount'
    | 'createdAt'
    | 'updatedAt'
    | 'children'
    | 'infants'
    | 'partySize'
    | 'inviteSequence'
    | 'answers'
    | 'manageGeneration';

  @Field(() => ID, { description: 'Stable identifier of the booking.' })
  @PrimaryKey()
  id!: number;

  @Field({ description: 'Unique readable reference for people, e.g. BK-20261201-7KQ2ZD.' })
  @Property({ length: 20, unique: true })
  reference!: string;

  @ManyToOne(() => Service, { ref: true })
  service!: Ref<Service>;

  @ManyToOne(() => User, { ref: true })
  customer!: Ref<User>;

  @Field(() => BookingStatus, {
    description:
      'Where the booking is in its life; changes only along the allowed transitions (else INVALID_TRANSITION).',
  })
  @Enum({ items: () => BookingStatus, nativeEnumName: 'booking_status' })
  status!: BookingStatus;

  /** First start and last end of its slots, kept for lists and filters. */
  @Field({ description: 'Start of its first slot.' })
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field({ description: 'End of its last slot.' })
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Property()
  adults!: number;

  @Property()
  children: number = 0;

  @Property()
  infants: number = 0;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  subtotal!: string;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  discount: string = '0';

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  tax!: string;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  total!: string;

  @Property({ length: 3 })
  currency!: string;

  /** The rates and cancellation policy the customer agreed to; never re-read from the service. */
  @Property({ type: 'json' })
  terms!: AgreedTerms;

  /** What the price is made of, as agreed (a change keeps what it keeps, README "Money rules"). */
  @Property({ type: 'json' })
  lines!: PriceLine[];

  /** The card payment of a paid booking. */
  @OneToOne(() => Payment, { owner: true, ref: true, nullable: true, unique: true })
  payment?: Ref<Payment> | null;

  /** Money the bank confirmed given back so far (card refunds SUCCEEDED, and those recorded by the provider). */
  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  refundedAmount?: string | null;

  /** Every refund asked for, oldest first, with where it is. */
  @OneToMany(
    () => Refund,
    (refund) => refund.booking,
    { orderBy: { id: 'asc' } },
  )
  refunds = new Collection<Refund>(this);

  @Field(() => Date, {
    description:
      'While PENDING_PAYMENT (or PENDING_CONFIRMATION): when the held seats are released and the booking EXPIRES unless paid (or confirmed); null otherwise.',
    nullable: true,
  })
  @Property({ type: 'timestamptz', nullable: true })
  holdExpiresAt?: Date | null;

  /** Manage links carry it (guests/manage-links.ts); revoking them raises it, ending every link made before. */
  @Property({ default: 0 })
  manageGeneration: number = 0;

  @Field(() => String, {
    description:
      'Link of the online meeting (Jitsi, Google Meet, Zoom, Whereby, Teams) when the booking has one; null otherwise or until made.',
    nullable: true,
  })
  @Property({ length: 500, nullable: true })
  meetingUrl?: string | null;

  @Field(() => MeetingProvider, {
    description:
      "Where its online meeting takes place: the customer's choice among the service's meetingProviders, else the service's meetingProvider when booked.",
  })
  @Enum({ items: () => MeetingProvider, nativeEnumName: 'meeting_provider' })
  meetingProvider!: MeetingProvider;

  /** The series it is one occurrence of (bookSeries), if any. */
  @Property({ nullable: true })
  seriesId?: number | null;

  @Field(() => String, {
    description: "The customer's notes for the provider.",
    nullable: true,
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Field(() => String, {
    description: 'Accessibility, diet or other needs the customer stated.',
    nullable: true,
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  specialRequirements?: string | null;

  /** Who the booking is for when not the account holder; the `contact` field shows it to participants only. */
  @Property({ type: 'json', nullable: true })
  contact?: Contact | null;

  @Property({ type: 'text', nullable: true })
  dietaryRestrictions?: string | null;

  /** The answers to the service's questions, each with the question as it was asked (answers.ts). */
  @Property({ type: 'json' })
  answers: BookingAnswer[] = [];

  @Property({ type: 'text', nullable: true })
  accessibilityNeeds?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the booking was cancelled, as its canceller (or the provider cancelling its slot) gave it.',
  })
  @Property({ type: 'text', nullable: true })
  cancellationReason?: string | null;

  /** SEQUENCE of the booking's calendar invite: 0 when made, one more with each change or cancellation. */
  @Property()
  inviteSequence: number = 0;

  @Field({ description: 'When the booking was made.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @OneToMany(
    () => BookingSlot,
    (bookingSlot) => bookingSlot.booking,
    { orderBy: { slot: 'asc' }, orphanRemoval: true },
  )
  slots = new Collection<BookingSlot>(this);

  @OneToMany(
    () => AuditEntry,
    (entry) => entry.booking,
    { orderBy: { id: 'asc' } },
  )
  history = new Collection<AuditEntry>(this);

  /** Its event's state in each connected calendar of the provider. */
  @OneToMany(
    () => CalendarSync,
    (sync) => sync.booking,
    { orderBy: { connection: 'asc' } },
  )
  calendarSyncs = new Collection<CalendarSync>(this);

  get partySize(): number {
    return partySize(this);
  }
}

/** One slot of a booking, with the seats it takes there and the unit price it was sold at. */
@Entity()
@Unique({ properties: ['booking', 'slot'] })
@Index({ properties: ['slot'] })
export class BookingSlot {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Booking, { ref: true, deleteRule: 'cascade' })
  booking!: Ref<Booking>;

  @ManyToOne(() => Slot, { ref: true })
  slot!: Ref<Slot>;

  @Property()
  seats!: number;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  unitPrice!: string;
}
