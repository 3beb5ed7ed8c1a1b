import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../core/context';
import { BadInput, DomainError, Forbidden, Unauthenticated } from '../core/errors';
import { parseZone } from '../core/zoned-time';
import type { SignUpInput } from './account.inputs';
import { hashPassword, passwordMatches } from './passwords';
import { Provider } from './provider.entity';
import { Role } from './role';
import { User } from './user.entity';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function parseEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new BadInput('email', 'is not an email address');
  return email;
}

function parseName(value: string): string {
  const name = value.trim();
  if (!name || name.length > 200 || /[\r\n]/.test(name)) throw new BadInput('name', 'must be 1 to 200 characters on one line');
  return name;
}

function parsePassword(value: string): string {
  if (value.length < 8 || value.length > 200) throw new BadInput('password', 'must be 8 to 200 characters');
  return value;
}

/** Sign-up, log-in and the administrator account. */
export class AccountService {
  async signUp(ctx: RequestContext, input: SignUpInput): Promise<User> {
    if (input.role === Role.ADMIN) throw new Forbidden('ADMIN accounts cannot be signed up for');
    const email = parseEmail(input.email);
    const name = parseName(input.name);
    const password = parsePassword(input.password);
    const timezone = parseZone('timezone', input.timezone ?? 'UTC');
    const passwordHash = await hashPassword(password);
    try {
      return await ctx.em.transactional(async (em) => {
        const user = em.create(User, { email, name, role: input.role, timezone, passwordHash });
        if (input.role === Role.PROVIDER) em.create(Provider, { user, name });
        await em.flush();
        return user;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new BadInput('email', 'is already registered');
      throw error;
    }
  }

  async logIn(ctx: RequestContext, emailInput: string, password: string): Promise<User> {
    const user = await ctx.em.findOne(User, { email: emailInput.trim().toLowerCase() }, { populate: ['passwordHash'] });
    if (!(await passwordMatches(password, user?.passwordHash))) {
      throw new Unauthenticated('Wrong email or password');
    }
    return user!;
  }

  async me(ctx: RequestContext): Promise<User | null> {
    return ctx.actor ? ctx.em.findOne(User, ctx.actor.userId) : null;
  }

  /** Creates the administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or brings its password and role up to date. */
  async ensureAdmin(em: EntityManager, emailInput: string, password: string): Promise<void> {
    const email = parseEmail(emailInput);
    const passwordHash = await hashPassword(parsePassword(password));
    await em.transactional(async (tx) => {
      const existing = await tx.findOne(User, { email });
      if (existing) {
        if (existing.role !== Role.ADMIN) throw new DomainError('FORBIDDEN', `${email} exists and is not an admin`);
        existing.passwordHash = passwordHash;
      } else {
        tx.create(User, { email, name: 'Administrator', role: Role.ADMIN, timezone: 'UTC', passwordHash });
      }
    });
  }
}
