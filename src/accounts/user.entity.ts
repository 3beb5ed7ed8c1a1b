import { OptionalProps, Entity, Enum, OneToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role';
import { Provider } from './provider.entity';

@ObjectType('User', { description: 'An account: a customer, a provider or an admin.' })
@Entity({ tableName: 'app_user' })
export class User {
  [OptionalProps]?: 'createdAt' | 'deactivatedAt' | 'emailVerifiedAt' | 'locale' | 'guest';

  @Field(() => ID, { description: 'Stable identifier of the account.' })
  @PrimaryKey()
  id!: number;

  /** Stored trimmed and lower-cased, so that the unique key is case-insensitive. */
  @Field({ description: 'Sign-in address, unique case-insensitively; also where notifications go.' })
  @Property({ unique: true, length: 254 })
  email!: string;

  @Property({ hidden: true, lazy: true })
  passwordHash!: string;

  @Field({ description: 'Display name.' })
  @Property({ length: 200 })
  name!: string;

  @Field(() => Role, {
    description: 'What the account may do: CUSTOMER books, PROVIDER offers services, ADMIN manages everything.',
  })
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  @Field({
    description: 'IANA time zone (e.g. Europe/Rome) used to show times in emails; UTC when not given at sign-up.',
  })
  @Property({ length: 64 })
  timezone!: string;

  @Field({
    description:
      'Language of the emails this account receives: "en" (English, the default) or "it" (Italian); at sign-up, the request\'s Accept-Language when not given.',
  })
  @Property({ length: 8 })
  locale: string = 'en';

  @OneToOne(
    () => Provider,
    (provider) => provider.user,
    { nullable: true, ref: true },
  )
  provider?: Ref<Provider>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /**
   * When the account's address was confirmed (the link its sign-up sent); until then mail to it carries
   * no user's words, and its bookings' contacts are not mailed (docs/operations.md, "Running in production").
   */
  @Property({ type: 'timestamptz', nullable: true })
  emailVerifiedAt?: Date | null;

  /**
   * A guest: made by bookAsGuest for one email, with no password (it cannot sign in). An email is unique among
   * accounts and among guests; an account whose address is verified adopts its guest's bookings.
   */
  @Property({ default: false })
  guest: boolean = false;

  /** A deactivated account can neither log in nor use the tokens it already has. */
  @Property({ type: 'timestamptz', nullable: true })
  deactivatedAt?: Date | null;
}
