import { OptionalProps, Entity, Enum, OneToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role';
import { Provider } from './provider.entity';

@ObjectType('User')
@Entity({ tableName: 'app_user' })
export class User {
  [OptionalProps]?: 'createdAt' | 'deactivatedAt';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  /** Stored trimmed and lower-cased, so that the unique key is case-insensitive. */
  @Field()
  @Property({ unique: true, length: 254 })
  email!: string;

  @Property({ hidden: true, lazy: true })
  passwordHash!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  @Field()
  @Property({ length: 64 })
  timezone!: string;

  @OneToOne(() => Provider, (provider) => provider.user, { nullable: true, ref: true })
  provider?: Ref<Provider>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** A deactivated account can neither log in nor use the tokens it already has. */
  @Property({ type: 'timestamptz', nullable: true })
  deactivatedAt?: Date | null;
}
