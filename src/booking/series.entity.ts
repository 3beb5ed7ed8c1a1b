import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';

/** Most occurrences one series books, and the longest interval between two. */
export const MAX_OCCURRENCES = 52;
export const MAX_INTERVAL_WEEKS = 52;

/** Bookings made in one request at the same local time every N weeks (bookSeries); each an ordinary booking. */
@ObjectType('BookingSeries', {
  description:
    'Bookings made in one request (bookSeries) at the same local time every intervalWeeks weeks; each occurrence is an ordinary booking of its own, tied to the series.',
})
@Entity({ tableName: 'booking_series' })
export class BookingSeries {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the series.' })
  @PrimaryKey()
  id!: number;

  @Property()
  customerId!: number;

  @Property()
  serviceId!: number;

  @Field(() => Int, { description: 'Weeks between two occurrences: 1 weekly, 2 every other week, ...' })
  @Property()
  intervalWeeks!: number;

  @Field(() => Int, {
    description: `Occurrences asked for, 2 to ${MAX_OCCURRENCES}, the first included (skipped ones too).`,
  })
  @Property()
  occurrences!: number;

  @Field({ description: 'When the series was booked.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
