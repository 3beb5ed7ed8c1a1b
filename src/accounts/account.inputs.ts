import { Field, InputType, ObjectType } from 'type-graphql';
import { Role } from './role';
import { User } from './user.entity';

@InputType('SignUpInput')
export class SignUpInput {
  @Field()
  email!: string;

  @Field()
  password!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true })
  timezone?: string | null;
}

@InputType('MeInput', { description: "Changes to the caller's own account; fields left out stay." })
export class MeInput {
  @Field(() => String, { nullable: true, description: 'A new display name, 1 to 200 characters on one line.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new IANA time zone (e.g. "Europe/Rome"), in which emails show times to this user.' })
  timezone?: string | null;
}

@InputType('ProviderProfileInput', { description: "Changes to the calling provider's public profile; fields left out stay." })
export class ProviderProfileInput {
  @Field(() => String, { nullable: true, description: 'The public name, 1 to 200 characters on one line.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The public biography, at most 5,000 characters; an empty text removes it.' })
  bio?: string | null;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  /** The access token, for `Authorization: Bearer <token>`, valid until `expiresAt`. */
  @Field()
  token!: string;

  @Field({ description: 'Single use: `refreshToken(refreshToken)` trades it for a new pair.' })
  refreshToken!: string;

  @Field(() => Date, { description: 'When `token` expires.' })
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
