import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { textCost } from '../core/limits';

export type MessageStatus = 'PENDING' | 'SENT' | 'FAILED' | 'LOGGED';

/** A notification, stored before it is sent so that none is lost; a job sends it and records the outcome. */
@ObjectType('Message', {
  description: 'A notification to the caller (email), stored before it is sent so none is lost.',
})
@Entity()
@Index({ properties: ['recipient', 'createdAt'] })
export class Message {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the message.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recipient?: Ref<User> | null;

  @Field({ description: 'The address it is sent to.' })
  @Property({ length: 254 })
  to!: string;

  @Field({ description: "The email's subject." })
  @Property({ length: 300 })
  subject!: string;

  @Field({ description: "The email's plain-text body.", complexity: textCost(10_000) })
  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'text' })
  html!: string;

  /** The iCalendar invite sent with the message, if any. */
  @Property({ type: 'text', nullable: true })
  calendar?: string | null;

  /** PENDING until sent; SENT; FAILED after a permanent refusal or the last retry; LOGGED when no SMTP_URL is set. */
  @Field({
    description: 'PENDING (queued), SENT, FAILED (gave up after retries) or LOGGED (no SMTP_URL: logged, not sent).',
  })
  @Property({ length: 10 })
  status: MessageStatus = 'PENDING';

  @Property()
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Field(() => Date, { description: 'When the mail server accepted it; null until then.', nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  sentAt?: Date | null;

  @Field({ description: 'When the notification was made.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
