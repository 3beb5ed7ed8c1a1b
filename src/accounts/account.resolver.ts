import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../core/context';
import type { Tokens } from '../server/tokens';
import { AuthPayload, SignUpInput } from './account.inputs';
import type { AccountService } from './account.service';
import { Provider } from './provider.entity';
import { User } from './user.entity';

@Resolver(() => User)
export class AccountResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly tokens: Tokens,
  ) {}

  private async payload(ctx: RequestContext, user: User): Promise<AuthPayload> {
    const token = await this.tokens.issue({ userId: user.id, role: user.role }, ctx.clock.now());
    return Object.assign(new AuthPayload(), { token, user });
  }

  @Query(() => User, { nullable: true })
  me(@Ctx() ctx: RequestContext): Promise<User | null> {
    return this.accounts.me(ctx);
  }

  @Mutation(() => AuthPayload)
  async signUp(@Ctx() ctx: RequestContext, @Arg('input', () => SignUpInput) input: SignUpInput): Promise<AuthPayload> {
    return this.payload(ctx, await this.accounts.signUp(ctx, input));
  }

  @Mutation(() => AuthPayload)
  async logIn(
    @Ctx() ctx: RequestContext,
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
  ): Promise<AuthPayload> {
    return this.payload(ctx, await this.accounts.logIn(ctx, email, password));
  }

  @FieldResolver(() => Provider, { nullable: true })
  provider(@Root() user: User): Promise<Provider | null> | null {
    return user.provider ? user.provider.load() : null;
  }
}
