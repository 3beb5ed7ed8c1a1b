import { Field, InputType, ObjectType } from 'type-graphql';
import { Role } from './role';
import { User } from './user.entity';

@InputType('SignUpInput', { description: 'A new account.' })
export class SignUpInput {
  @Field({ description: 'Sign-in address; unique case-insensitively (BAD_USER_INPUT when taken or malformed).' })
  email!: string;

  @Field({ description: 'At least 8 characters; stored only as an argon2id hash.' })
  password!: string;

  @Field({ description: 'Display name, one line.' })
  name!: string;

  @Field(() => Role, { description: 'CUSTOMER or PROVIDER (ADMIN is FORBIDDEN).' })
  role!: Role;

  @Field(() => String, { description: 'IANA time zone, e.g. Europe/Rome; UTC when omitted.', nullable: true })
  timezone?: string | null;

  @Field(() => String, {
    description: 'Language of emails: "en" or "it"; when omitted, the Accept-Language of the request, else "en".',
    nullable: true,
  })
  locale?: string | null;
}

@InputType('MeInput', { description: "Changes to the caller's own account; fields left out stay." })
export class MeInput {
  @Field(() => String, { nullable: true, description: 'A new display name, 1 to 200 characters on one line.' })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new IANA time zone (e.g. "Europe/Rome"), in which emails show times to this user.',
  })
  timezone?: string | null;

  @Field(() => String, { nullable: true, description: 'The language of emails to this user: "en" or "it".' })
  locale?: string | null;
}

@InputType('ProviderProfileInput', {
  description: "Changes to the calling provider's public profile; fields left out stay.",
})
export class ProviderProfileInput {
  @Field(() => String, { nullable: true, description: 'The public name, 1 to 200 characters on one line.' })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The public biography, at most 5,000 characters; an empty text removes it.',
  })
  bio?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "The sites that may show the provider's calendar pages in an <iframe>, as origins (https://www.example.com), at most 10; [] allows none (docs/public-page.md).",
  })
  embedOrigins?: string[] | null;
}

@ObjectType('AuthPayload', {
  description: 'A session: an access token for the Authorization header and a refresh token to renew it.',
})
export class AuthPayload {
  /** The access token, for `Authorization: Bearer <token>`, valid until `expiresAt`. */
  @Field({
    description:
      'Access token: send as `Authorization: Bearer <token>` (HTTP) or connectionParams.authorization (WebSocket); valid until expiresAt.',
  })
  token!: string;

  @Field({ description: 'Single use: `refreshToken(refreshToken)` trades it for a new pair.' })
  refreshToken!: string;

  @Field(() => Date, { description: 'When `token` expires.' })
  expiresAt!: Date;

  @Field(() => User, { description: 'The signed-in account.' })
  user!: User;
}
