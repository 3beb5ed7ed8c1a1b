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
