import {
  Entity,
  Enum,
  Formula,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Booking } from '../booking/booking.entity';
import type { CalendarKind } from './calendar-api';
import { CalendarConnectionStatus, CalendarSyncStatus } from './calendar.enums';
import { pendingSyncCount } from './calendar.sql';

/** A provider's account at a calendar service: its sealed secret and the dedicated calendar made in it. */
@ObjectType('CalendarConnection', {
  description:
    "A provider's connected calendar account and the dedicated calendar the server keeps in step with its bookings.",
})
@Entity()
@Unique({ properties: ['provider', 'kind', 'accountEmail'] })
export class CalendarConnection {
  [OptionalProps]?:
    | 'status'
    | 'blocksAvailability'
    | 'sharedWith'
    | 'createdAt'
    | 'pendingSyncs'
    | 'busyTimesFailing'
    | 'busyFailures';

  @Field(() => ID, {
    description: 'The connection id, for disconnectCalendar, setCalendarBlocking and resyncCalendar.',
  })
  @PrimaryKey()
  id!: number;

  @Index()
  @ManyToOne(() => Provider, { ref: true, deleteRule: 'cascade' })
  provider!: Ref<Provider>;

  @Field(() => String, {
    description: 'The calendar service, as connectCalendar takes it: "google", "microsoft" (Microsoft 365, Outlook), …',
  })
  @Property({ type: 'string', length: 20 })
  kind!: CalendarKind;

  @Field({ description: 'The address of the connected account.' })
  @Property({ length: 254 })
  accountEmail!: string;

  /**
   * Sealed with CALENDAR_TOKEN_KEY (infra/secret-box.ts): Google's refresh token, or Microsoft's MSAL token
   * cache (which holds the refresh token Microsoft rotates); null once revoked.
   */
  @Property({ type: 'text', nullable: true })
  refreshToken?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The id of the dedicated calendar "<provider name> bookings" made in the account.',
  })
  @Property({ length: 1024, nullable: true })
  calendarId?: string | null;

  @Field(() => [String], { description: 'The addresses the dedicated calendar is shared with by ACL (role writer).' })
  @Property({ type: 'text[]' })
  sharedWith: string[] = [];

  @Field(() => CalendarConnectionStatus, { description: 'Whether the server can use the account.' })
  @Enum({ items: () => CalendarConnectionStatus, nativeEnumName: 'calendar_connection_status' })
  status: CalendarConnectionStatus = CalendarConnectionStatus.ACTIVE;

  @Field({ description: "Whether busy times in the account's other calendars close the provider's overlapping slots." })
  @Property()
  blocksAvailability: boolean = false;

  @Field(() => Int, {
    description: 'Bookings whose event in this calendar is not yet in step (queued or being retried).',
  })
  @Formula(pendingSyncCount, { lazy: false })
  pendingSyncs: number = 0;

  @Field(() => Date, { nullable: true, description: 'When a call to this calendar last succeeded.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastSyncedAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the last failed call to this account said; null after a success.',
  })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the busy times of the account's other calendars were last read (free/busy), while blocking is on.",
  })
  @Property({ type: 'timestamptz', nullable: true, fieldName: 'busy_read_at' })
  busyTimesReadAt?: Date | null;

  @Field({
    description:
      "True while the account's busy times cannot be read (a refusal, or failures several times in a row): slots it should close may be open. The provider is emailed once when it turns true; it turns false at the next good read.",
  })
  @Property()
  busyTimesFailing: boolean = false;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last read of busy times failed; null after a good read.',
  })
  @Property({ type: 'text', nullable: true })
  busyTimesError?: string | null;

  /** Reads of busy times that failed in a row (their backoff, and when the connection counts as failing). */
  @Property()
  busyFailures: number = 0;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** The state of one booking's event in one connection's dedicated calendar. */
@ObjectType('CalendarSync', { description: "A booking's event in one connected calendar." })
@Entity()
@Unique({ properties: ['booking', 'connection'] })
@Index({ properties: ['connection', 'status'] })
export class CalendarSync {
  [OptionalProps]?: 'status' | 'attempts' | 'generation' | 'updatedAt' | 'eventIds';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Booking, { ref: true, deleteRule: 'cascade' })
  booking!: Ref<Booking>;

  @ManyToOne(() => CalendarConnection, { ref: true, deleteRule: 'cascade' })
  connection!: Ref<CalendarConnection>;

  @Field(() => CalendarSyncStatus, {
    description:
      'PENDING while a job to put the calendar in step is queued, RETRYING after a failed try, SYNCED once the calendar matches the booking, FAILED when only the provider can mend it.',
  })
  @Enum({ items: () => CalendarSyncStatus, nativeEnumName: 'calendar_sync_status' })
  status: CalendarSyncStatus = CalendarSyncStatus.PENDING;

  @Field(() => String, {
    nullable: true,
    description:
      "The id of the booking's (first) event in the calendar (derived from the booking), once written; see externalEventIds.",
  })
  @Property({ length: 1024, nullable: true })
  externalEventId?: string | null;

  @Field(() => [String], {
    name: 'externalEventIds',
    description:
      "The ids of the booking's events in the calendar, one per run of consecutive slots, as last written (empty when it has none).",
  })
  @Property({ type: 'text[]' })
  eventIds: string[] = [];

  @Field(() => Int, {
    description: 'Tries made (each writes or deletes every event of the booking) since the calendar was last in step.',
  })
  @Property()
  attempts: number = 0;

  @Field(() => Date, {
    nullable: true,
    description: 'While PENDING or RETRYING: when the next try is due; null otherwise.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'What the last failed call said; null once in step.' })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** Raised by every booking change: a job records its outcome only if no change came while it called the calendar service. */
  @Property()
  generation: number = 0;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** A busy interval read from a connection's calendars (free/busy); it closes the provider's overlapping slots. */
@Entity()
@Index({ properties: ['connection', 'startsAt'] })
export class CalendarBusy {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => CalendarConnection, { ref: true, deleteRule: 'cascade' })
  connection!: Ref<CalendarConnection>;

  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: 'timestamptz' })
  endsAt!: Date;
}
