import {
  Check,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { Booking } from '../booking/booking.entity';
import { Contact } from '../booking/contact';
import { Service } from '../catalog/service.entity';
import { DateScalar } from '../graphql/scalars';
import type { PriceLine } from '../booking/pricing';
import type { AgreedTerms } from '../booking/terms';
import { Slot } from '../scheduling/slot.entity';
import { WaitlistStatus } from './waitlist.enums';

/**
 * A customer queued for one slot, or for any slot of a service on a local date. When seats are freed the
 * first fitting entry is OFFERED: seats are held for it on `offeredSlot` until `offerExpiresAt`.
 * The database keeps one live (ACTIVE or OFFERED) entry per customer and slot or date.
 */
@ObjectType('WaitlistEntry', {
  description:
    'A customer queued for one slot, or for any slot of a service on a local date; offered freed seats in order.',
})
@Entity()
@Index({ properties: ['slot', 'status'] })
@Index({ properties: ['service', 'date', 'status'] })
@Index({ properties: ['customer', 'createdAt'] })
@Unique({
  name: 'waitlist_entry_live_slot_unique',
  expression: `create unique index "waitlist_entry_live_slot_unique" on "waitlist_entry" ("customer_id", "slot_id") where "status" in ('ACTIVE', 'OFFERED') and "slot_id" is not null`,
})
@Unique({
  name: 'waitlist_entry_live_date_unique',
  expression: `create unique index "waitlist_entry_live_date_unique" on "waitlist_entry" ("customer_id", "service_id", "date") where "status" in ('ACTIVE', 'OFFERED') and "date" is not null`,
})
@Check({ name: 'waitlist_entry_target_check', expression: '(slot_id is null) <> (date is null)' })
@Check({ name: 'waitlist_entry_party_check', expression: 'party_size > 0' })
export class WaitlistEntry {
  [OptionalProps]?: 'priority' | 'status' | 'slotPrices' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Stable identifier of the entry.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true })
  service!: Ref<Service>;

  @ManyToOne(() => User, { ref: true })
  customer!: Ref<User>;

  @ManyToOne(() => Slot, { ref: true, nullable: true })
  slot?: Ref<Slot> | null;

  @Field(() => DateScalar, {
    description: 'For a date entry: the local date queued for; null for a slot entry.',
    nullable: true,
  })
  @Property({ type: 'date', nullable: true })
  date?: string | null;

  @Field(() => Int, { description: 'Seats wanted.' })
  @Property()
  partySize!: number;

  /** Who the seats are for, priced as a booking of that party when the offer is claimed. */
  @Property()
  adults!: number;

  @Property()
  children!: number;

  @Property()
  infants!: number;

  /** Who the seats are for when not the account holder; the offer email goes to them too. */
  @Field(() => Contact, {
    nullable: true,
    description:
      "Who the seats are for, when not the account holder (name, email, phone, company): shown to the entry's customer, the service's provider and admins.",
  })
  @Property({ type: 'json', nullable: true })
  contact?: Contact | null;

  @Field(() => String, {
    nullable: true,
    description: 'Notes for the provider, e.g. "Flexible on time"; kept with the booking an offer becomes.',
  })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  /** The terms the customer joined at; a claimed offer is booked at them. */
  @Property({ type: 'json' })
  terms!: AgreedTerms;

  /** The adult price of each slot queued for (the slot, or the date's slots) when the customer joined. */
  @Property({ type: 'json' })
  slotPrices: Record<string, string> = {};

  /** The price lines of the offer, set when it is offered: what claiming it costs. */
  @Property({ type: 'json', nullable: true })
  lines?: PriceLine[] | null;

  /** Higher first; set by the provider or an admin. */
  @Field(() => Int, { description: 'Higher is offered first (-1000 to 1000, default 0); set by the provider.' })
  @Property()
  priority: number = 0;

  @Field(() => WaitlistStatus, { description: 'Where the entry is.' })
  @Enum({ items: () => WaitlistStatus, nativeEnumName: 'waitlist_status' })
  status: WaitlistStatus = WaitlistStatus.ACTIVE;

  /** The slot whose seats are held for an offer (the entry's own slot, or one on its date). */
  @ManyToOne(() => Slot, { ref: true, nullable: true })
  offeredSlot?: Ref<Slot> | null;

  @Field(() => Date, { description: 'While OFFERED: when the held seats are released unless claimed.', nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  offerExpiresAt?: Date | null;

  @OneToOne(() => Booking, { owner: true, ref: true, nullable: true, unique: true })
  booking?: Ref<Booking> | null;

  @Field({ description: 'When the customer joined; breaks ties of priority (older first).' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** 1-based rank among the ACTIVE entries of the same slot or date; computed when read, not stored. */
  @Field(() => Int, {
    description: '1-based rank among the ACTIVE entries of the same slot or date; null when not ACTIVE.',
    nullable: true,
  })
  position?: number | null;
}
