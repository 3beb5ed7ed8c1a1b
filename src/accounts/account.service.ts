import { parseLocale, requestLocale } from '../i18n';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput, DomainError, Forbidden, Unauthenticated } from '../core/errors';
import { text } from '../core/validate';
import { parseZone } from '../core/zoned-time';
import { adoptGuest } from '../guests/adopt-guest';
import { jobs } from '../jobs';
import type { Links } from '../notifications/links';
import type { AuthPayload, MeInput, SignUpInput } from './account.inputs';
import { parseEmail } from './email';
import { requireActor } from './ownership';
import { hashPassword, passwordMatches } from './passwords';
import { Provider } from './provider.entity';
import type { RateLimits } from './rate-limits';
import { Role } from './role';
import { Session } from './session.entity';
import type { SessionService } from './session.service';
import { User } from './user.entity';

/** An account's display name: 1 to 200 visible characters on one line (core/validate's `text`). */
export function parseName(value: string): string {
  return text('name', value, 200, { singleLine: true });
}

function parsePassword(field: string, value: string): string {
  if (value.length < 8 || value.length > 200) throw new BadInput(field, 'must be 8 to 200 characters');
  return value;
}

/** Sign-up, log-in, password changes and the administrator account. */
export class AccountService {
  constructor(
    private readonly sessions: SessionService,
    private readonly limits: RateLimits,
    private readonly links: Links,
  ) {}

  async signUp(ctx: RequestContext, input: SignUpInput): Promise<AuthPayload> {
    await this.limits.signUp(ctx);
    if (input.role === Role.ADMIN) throw new Forbidden('ADMIN accounts cannot be signed up for');
    const email = parseEmail(input.email);
    const name = parseName(input.name);
    const password = parsePassword('password', input.password);
    const timezone = parseZone('timezone', input.timezone ?? 'UTC');
    const locale = input.locale == null ? requestLocale(ctx) : parseLocale('locale', input.locale);
    const passwordHash = await hashPassword(password);
    try {
      return await inTransaction(ctx, async (tx) => {
        const user = tx.em.create(User, { email, name, role: input.role, timezone, locale, passwordHash });
        if (input.role === Role.PROVIDER) tx.em.create(Provider, { user, name });
        const payload = await this.sessions.open(tx, user);
        tx.effects.addJob(jobs.verificationMail(user.id));
        return payload;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new BadInput('email', 'is already registered');
      throw error;
    }
  }

  /** Failed attempts are limited per account and per address (RATE_LIMITED); a right password is not counted. */
  async logIn(ctx: RequestContext, emailInput: string, password: string): Promise<AuthPayload> {
    const email = parseEmail(emailInput);
    const user = await this.limits.passwordAttempt(ctx, email, async () => {
      const found = await ctx.em.findOne(User, { email, guest: false }, { populate: ['passwordHash'] });
      if (!(await passwordMatches(password, found?.passwordHash))) throw new Unauthenticated('Wrong email or password');
      return found!;
    });
    if (user.deactivatedAt) throw new Unauthenticated('This account is deactivated');
    return this.sessions.open(ctx, user);
  }

  /** Ends the caller's session. */
  async logOut(ctx: RequestContext): Promise<void> {
    const { userId, sessionId } = requireActor(ctx);
    await this.sessions.end(ctx, userId, sessionId);
  }

  /** Checks the current password as a log-in would (and counts failures alike), then ends every other session. */
  async changePassword(ctx: RequestContext, current: string, next: string): Promise<AuthPayload> {
    const actor = requireActor(ctx);
    parsePassword('next', next);
    const user = await ctx.em.findOneOrFail(User, actor.userId, { populate: ['passwordHash'] });
    await this.limits.passwordAttempt(ctx, user.email, async () => {
      if (!(await passwordMatches(current, user.passwordHash)))
        throw new Unauthenticated('The current password is wrong');
    });
    const passwordHash = await hashPassword(next);
    return inTransaction(ctx, async (tx) => {
      await tx.em.nativeUpdate(User, { id: user.id }, { passwordHash });
      return this.sessions.keepOnly(tx, user, actor.sessionId);
    });
  }

  /**
   * Confirms an account's address with the token of the link mailed to it (valid 7 days, for that
   * address): true, also when it was confirmed before; a token that is not one, or no longer, is
   * BAD_USER_INPUT on `token`. Needs no sign-in: the link is the proof. The bookings made as a guest with
   * the address become the account's (guests/adopt-guest.ts).
   */
  async verifyEmail(ctx: RequestContext, token: string): Promise<boolean> {
    const named = this.links.emailVerified(token);
    const user = named && (await ctx.em.findOne(User, named.userId));
    if (!user || !named.confirms(user.email, ctx.clock.now()))
      throw new BadInput('token', 'is not a valid link to confirm an address, or it has expired: ask for a new one');
    await inTransaction(ctx, async (tx) => {
      await tx.em.nativeUpdate(User, { id: user.id, emailVerifiedAt: null }, { emailVerifiedAt: tx.clock.now() });
      if (!user.guest) await adoptGuest(tx, user);
    });
    return true;
  }

  /** Mails the caller's address a new confirmation link (limited per account); false when it is confirmed already. */
  async requestEmailVerification(ctx: RequestContext): Promise<boolean> {
    const actor = requireActor(ctx);
    const user = await ctx.em.findOneOrFail(User, actor.userId);
    if (user.emailVerifiedAt) return false;
    await this.limits.verificationMail(ctx, user.id);
    await inTransaction(ctx, async (tx) => tx.effects.addJob(jobs.verificationMail(user.id)));
    return true;
  }

  async me(ctx: RequestContext): Promise<User | null> {
    return ctx.actor ? ctx.em.findOne(User, ctx.actor.userId) : null;
  }

  /** Changes the caller's display name, time zone (an IANA zone, checked with luxon) and language. */
  async updateMe(ctx: RequestContext, input: MeInput): Promise<User> {
    const actor = requireActor(ctx);
    const name = input.name == null ? null : parseName(input.name);
    const timezone = input.timezone == null ? null : parseZone('timezone', input.timezone);
    const locale = input.locale == null ? null : parseLocale('locale', input.locale);
    return inTransaction(ctx, async (tx) => {
      const user = await tx.em.findOneOrFail(User, actor.userId);
      if (name) user.name = name;
      if (timezone) user.timezone = timezone;
      if (locale) user.locale = locale;
      return user;
    });
  }

  /**
   * Creates the administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or brings its password up to date: a new
   * password ends the sessions opened with the old one. Processes starting together may race to create
   * it; the loser finds it made.
   */
  async ensureAdmin(em: EntityManager, emailInput: string, password: string): Promise<void> {
    const email = parseEmail(emailInput);
    parsePassword('password', password);
    try {
      await this.upsertAdmin(em, email, password);
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      await this.upsertAdmin(em, email, password);
    }
  }

  private async upsertAdmin(em: EntityManager, email: string, password: string): Promise<void> {
    await em.transactional(async (tx) => {
      const existing = await tx.findOne(User, { email, guest: false }, { populate: ['passwordHash'] });
      if (!existing) {
        tx.create(User, {
          email,
          name: 'Administrator',
          role: Role.ADMIN,
          timezone: 'UTC',
          passwordHash: await hashPassword(password),
          emailVerifiedAt: new Date(), // the operator's own address (ADMIN_EMAIL)
        });
        return;
      }
      if (existing.role !== Role.ADMIN) throw new DomainError('FORBIDDEN', `${email} exists and is not an admin`);
      existing.emailVerifiedAt ??= new Date();
      if (await passwordMatches(password, existing.passwordHash)) return;
      existing.passwordHash = await hashPassword(password);
      await tx.nativeUpdate(Session, { user: existing, revokedAt: null }, { revokedAt: new Date() });
    });
  }
}
