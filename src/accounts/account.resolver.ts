import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../core/context';
import { AuthPayload, MeInput, SignUpInput } from './account.inputs';
import type { AccountService } from './account.service';
import { Provider } from './provider.entity';
import type { SessionService } from './session.service';
import { User } from './user.entity';

@Resolver(() => User)
export class AccountResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
  ) {}

  @Query(() => User, {
    description: 'The signed-in account (from the Bearer token); null without a token.',
    nullable: true,
  })
  me(@Ctx() ctx: RequestContext): Promise<User | null> {
    return this.accounts.me(ctx);
  }

  @Mutation(() => AuthPayload, {
    description:
      'Makes a CUSTOMER or PROVIDER account (a provider also gets a Provider profile) and signs it in. ADMIN is FORBIDDEN; a taken email is BAD_USER_INPUT; limited per address (RATE_LIMITED).',
  })
  signUp(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => SignUpInput, { description: 'The new account.' }) input: SignUpInput,
  ): Promise<AuthPayload> {
    return this.accounts.signUp(ctx, input);
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in with email and password; a wrong pair is UNAUTHENTICATED. Failed attempts are limited per account and address together, and per address (RATE_LIMITED with extensions.retryAfter).',
  })
  logIn(
    @Ctx() ctx: RequestContext,
    @Arg('email', () => String, { description: "The account's email, any case." }) email: string,
    @Arg('password', () => String, { description: "The account's password." }) password: string,
  ): Promise<AuthPayload> {
    return this.accounts.logIn(ctx, email, password);
  }

  @Mutation(() => AuthPayload, {
    description: 'Trades a refresh token (single use) for a new access token and refresh token.',
  })
  refreshToken(
    @Ctx() ctx: RequestContext,
    @Arg('refreshToken', () => String, {
      description: 'The refresh token from the last AuthPayload; a used or expired one is UNAUTHENTICATED.',
    })
    refreshToken: string,
  ): Promise<AuthPayload> {
    return this.sessions.refresh(ctx, refreshToken);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: "Ends the caller's session: its refresh token and access tokens stop working.",
  })
  async logOut(@Ctx() ctx: RequestContext): Promise<boolean> {
    await this.accounts.logOut(ctx);
    return true;
  }

  @Authorized()
  @Mutation(() => AuthPayload, { description: "Changes the caller's password and ends every other session." })
  changePassword(
    @Ctx() ctx: RequestContext,
    @Arg('current', () => String, { description: "The caller's current password (a wrong one is UNAUTHENTICATED)." })
    current: string,
    @Arg('next', () => String, { description: 'The new password, at least 8 characters.' }) next: string,
  ): Promise<AuthPayload> {
    return this.accounts.changePassword(ctx, current, next);
  }

  @Authorized()
  @Mutation(() => User, {
    description:
      "Changes the caller's display name and time zone; the zone must be an IANA zone (BAD_USER_INPUT on `timezone`).",
  })
  updateMe(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => MeInput, { description: 'The fields to change.' }) input: MeInput,
  ): Promise<User> {
    return this.accounts.updateMe(ctx, input);
  }

  @Mutation(() => Boolean, {
    description:
      "Confirms an account's email address with the token of the link its sign-up mailed (valid 7 days); true also when it was confirmed before. Needs no sign-in. A token that is not one, or has expired, is BAD_USER_INPUT on `token`. Until confirmed, mail to the address carries no user's words and the account's booking contacts are not mailed.",
  })
  verifyEmail(
    @Ctx() ctx: RequestContext,
    @Arg('token', () => String, { description: 'The `token` of the link (…/verify-email?token=…).' }) token: string,
  ): Promise<boolean> {
    return this.accounts.verifyEmail(ctx, token);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      "Mails the caller's address a new link to confirm it; false (and no mail) when it is confirmed already. Limited per account (RATE_LIMITED).",
  })
  requestEmailVerification(@Ctx() ctx: RequestContext): Promise<boolean> {
    return this.accounts.requestEmailVerification(ctx);
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the account's email address was confirmed (the link its sign-up mailed).",
  })
  emailVerified(@Root() user: User): boolean {
    return user.emailVerifiedAt != null;
  }

  @FieldResolver(() => Provider, {
    description: 'The provider profile of a PROVIDER account; null for customers and admins.',
    nullable: true,
  })
  provider(@Root() user: User): Promise<Provider | null> | null {
    return user.provider ? user.provider.load() : null;
  }
}
