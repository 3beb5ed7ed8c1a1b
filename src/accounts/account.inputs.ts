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
  @Field()
  token!: string;

  @Field(() => User)
  user!: User;
}
