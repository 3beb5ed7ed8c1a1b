import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { User } from '../accounts/user.entity';
import { Booking } from '../booking/booking.entity';
import { Service } from '../catalog/service.entity';
import { ReviewStatus } from './review.enums';
import { textCost } from '../graphql/limits';

/**
 * A customer's review of a completed booking. Public: the author is shown by display name only; the
 * booking (and through it the account) only to its participants and admins (see ReviewResolver).
 */
@ObjectType('Review', {
  description:
    "A customer's rating and comment on a completed booking, with the provider's reply. Shows the author's display name, never the account; the booking only to its participants.",
})
@Entity()
export class Review {
  [OptionalProps]?: 'status' | 'createdAt';

  @Field(() => ID, { description: 'The review.' })
  @PrimaryKey()
  id!: number;

  /** One review per booking: the unique key is the database's. */
  @ManyToOne(() => Booking, { ref: true, unique: true, deleteRule: 'cascade' })
  booking!: Ref<Booking>;

  @ManyToOne(() => Service, { ref: true, deleteRule: 'cascade' })
  service!: Ref<Service>;

  /** The service's provider when written, kept so that a provider's rating is one indexed read. */
  @ManyToOne(() => Provider, { ref: true, deleteRule: 'cascade' })
  provider!: Ref<Provider>;

  @ManyToOne(() => User, { ref: true, index: true, deleteRule: 'cascade' })
  author!: Ref<User>;

  @Field(() => Int, { description: 'From 1 (poor) to 5 (excellent).' })
  @Property({ type: 'smallint' })
  rating!: number;

  @Field(() => String, {
    nullable: true,
    description: "The customer's words, up to 2,000 characters; null when only a rating was given.",
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  comment?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The provider's one reply (replyToReview); null until given.",
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  reply?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the provider replied; null until then.' })
  @Property({ type: 'timestamptz', nullable: true })
  repliedAt?: Date | null;

  @Enum({ items: () => ReviewStatus, nativeEnumName: 'review_status' })
  status: ReviewStatus = ReviewStatus.VISIBLE;

  @Property({ type: 'timestamptz', nullable: true })
  hiddenAt?: Date | null;

  /** The admin who hid it. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  hiddenBy?: Ref<User> | null;

  @Field({ description: 'When the review was written.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
