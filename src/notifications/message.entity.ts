import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { textCost } from '../graphql/limits';

export type MessageStatus = 'PENDING' | 'SENT' | 'FAILED' | 'LOGGED' | 'WITHHELD';

/** A notification, stored before it is sent so that none is lost; a job sends it and records the outcome. */
@ObjectType('Message', {
  description: 'A notification to the caller (email), stored before it is sent so none is lost.',
})
@Entity()
@Index({ properties: ['recipient', 'createdAt'] })
export class Message {
  [OptionalProps]?: 'status' | 'attempts' | 'createdAt' | 'sender' | 'moreInvites';

  @Field(() => ID, { description: 'Stable identifier of the message.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recipient?: Ref<User> | null;

  /** For a message to an outside address (a booking's contact): the account it goes out on behalf of. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  sender?: Ref<User> | null;

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

  /** The iCalendar invite sent with the message, if any: of a booking's first (or only) run of consecutive slots. */
  @Property({ type: 'text', nullable: true })
  calendar?: string | null;

  /** The invites of a booking's other runs of slots (and cancellations of runs it no longer has), sent as attachments. */
  @Property({ type: 'json' })
  moreInvites: string[] = [];

  /**
   * PENDING until sent; SENT; FAILED after a permanent refusal or the last retry; LOGGED when no SMTP_URL
   * is set; WITHHELD: an outside address whose sender had not confirmed their own address.
   */
  @Field({
    description:
      'PENDING (queued), SENT, FAILED (gave up after retries), LOGGED (no SMTP_URL: logged, not sent) or WITHHELD (never sent: to an outside address, on behalf of an account whose own address was not confirmed).',
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
