import { Entity, OneToOne, Property } from '@mikro-orm/core';
import { User } from '../accounts/user.entity';

/**
 * A user's secret ICS feed. The token in the URL is derived from the server key and `nonce` and is never
 * stored: the row keeps only its SHA-256 (to find the feed by URL) and the nonce (to show the URL again).
 */
@Entity()
export class CalendarFeed {
  @OneToOne(() => User, { primary: true, owner: true, deleteRule: 'cascade' })
  user!: User;

  @Property({ length: 32 })
  nonce!: string;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
