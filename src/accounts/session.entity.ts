import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from './user.entity';

/**
 * One signed-in device: its access tokens name it, and it keeps the hash of its one current refresh
 * token (and of the one before, so that a replayed old token is recognised and ends the session).
 */
@Entity()
export class Session {
  [OptionalProps]?: 'createdAt' | 'revokedAt' | 'previousRefreshHash' | 'rotatedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade', index: true })
  user!: Ref<User>;

  /** SHA-256 (hex) of the current refresh token: the token itself is never stored. */
  @Property({ length: 64, unique: true })
  refreshHash!: string;

  @Index()
  @Property({ length: 64, nullable: true })
  previousRefreshHash?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** When the current refresh token stops working; each refresh moves it on. */
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  /** When the refresh token was last traded: a concurrent twin of that trade, shortly after, gets the same pair. */
  @Property({ type: 'timestamptz', nullable: true })
  rotatedAt?: Date | null;
}
