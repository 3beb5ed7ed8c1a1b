import type { Knex } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitSettings } from '../config';
import type { CarriedCharge, RequestContext } from '../core/context';
import { DomainError } from '../core/errors';

type Limit =
  | 'loginPerAccount'
  | 'loginPerAddress'
  | 'signUpPerAddress'
  | 'mutationsPerClient'
  | 'uploadsPerAccount'
  | 'redeliveriesPerAccount'
  | 'verificationMailsPerAccount'
  | 'lookupsPerAddress'
  | 'guestBookingsPerAddress'
  | 'guestBookingsPerEmail';

const WINDOWS: Record<Limit, keyof RateLimitSettings> = {
  loginPerAccount: 'loginWindowSeconds',
  loginPerAddress: 'loginWindowSeconds',
  signUpPerAddress: 'signUpWindowSeconds',
  mutationsPerClient: 'mutationsWindowSeconds',
  uploadsPerAccount: 'uploadsWindowSeconds',
  redeliveriesPerAccount: 'redeliveriesWindowSeconds',
  verificationMailsPerAccount: 'verificationMailsWindowSeconds',
  lookupsPerAddress: 'lookupWindowSeconds',
  guestBookingsPerAddress: 'guestBookingsWindowSeconds',
  guestBookingsPerEmail: 'guestBookingsWindowSeconds',
};

function limited(res: Pick<RateLimiterRes, 'msBeforeNext'>): DomainError {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new DomainError('RATE_LIMITED', `Too many attempts: try again in ${retryAfter} seconds`, { retryAfter });
}

const addressOf = (ctx: RequestContext) => ctx.ip ?? 'unknown';
const mutationKey = (ctx: RequestContext) => (ctx.actor ? `user:${ctx.actor.userId}` : `address:${addressOf(ctx)}`);

/** What the statement that carried a charge counted: a refusal once past the budget. */
export function counted(charge: CarriedCharge, points: number, expire: number, now: number): void {
  charge.counted = true;
  if (points > charge.points) throw limited({ msBeforeNext: expire - now });
}

/**
 * Fixed-window counters in PostgreSQL (rate-limiter-flexible's RateLimiterPostgres on the table that
 * migration 20261123100000 makes), so that every server process on the database shares them.
 */
export class RateLimits {
  private limiters?: Partial<Record<Limit, RateLimiterPostgres>>;

  constructor(private readonly settings: RateLimitSettings) {}

  /**
   * Runs a password check as one attempt on the account from the caller's address, and on that address
   * (see attempt). The account is counted per address, so that guesses from elsewhere never lock its owner
   * out: a stranger exhausts only their own address's budget for it.
   */
  passwordAttempt<T>(ctx: RequestContext, account: string, check: () => Promise<T>): Promise<T> {
    return this.attempt(
      ctx,
      [
        ['loginPerAddress', addressOf(ctx)],
        ['loginPerAccount', `${account} ${addressOf(ctx)}`], // no email holds a space
      ],
      check,
    );
  }

  /** Runs a public booking lookup as one attempt on the caller's address; one that found a booking is given back. */
  bookingLookup<T>(ctx: RequestContext, lookUp: () => Promise<T | null>): Promise<T | null> {
    return this.attempt(ctx, [['lookupsPerAddress', addressOf(ctx)]], lookUp, (found) => found !== null);
  }

  /**
   * Runs `check` as one attempt on each limit and key. The attempt is counted before the check, so that
   * concurrent attempts cannot slip past the limit together, and given back when it succeeded (it did not
   * throw, and `succeeded` holds): only failures use up the budget.
   */
  private async attempt<T>(
    ctx: RequestContext,
    charges: [Limit, string][],
    check: () => Promise<T>,
    succeeded: (result: T) => boolean = () => true,
  ): Promise<T> {
    for (const [limit, key] of charges) await this.consume(ctx, limit, key);
    const result = await check();
    if (succeeded(result)) await Promise.all(charges.map(([limit, key]) => this.limiter(ctx, limit)?.reward(key, 1)));
    return result;
  }

  /** One guest booking, counted on the caller's address and on the email it is for (each mailed a link). */
  async guestBooking(ctx: RequestContext, email: string): Promise<void> {
    await this.consume(ctx, 'guestBookingsPerAddress', addressOf(ctx));
    await this.consume(ctx, 'guestBookingsPerEmail', email);
  }

  signUp(ctx: RequestContext): Promise<void> {
    return this.consume(ctx, 'signUpPerAddress', addressOf(ctx));
  }

  /** One mutation of the caller: a signed-in account, else an address. */
  mutation(ctx: RequestContext): Promise<void> {
    return this.consume(ctx, 'mutationsPerClient', mutationKey(ctx));
  }

  /**
   * One mutation of the caller as a charge its use case's first statement counts (a booking's slot read),
   * in the same counter and window as `mutation`; none when the budget is off.
   */
  carriedMutation(ctx: RequestContext): CarriedCharge | undefined {
    const points = this.settings.mutationsPerClient;
    if (!(points > 0)) return undefined;
    const durationMs = this.settings[WINDOWS.mutationsPerClient] * 1000;
    return { key: `mutationsPerClient:${mutationKey(ctx)}`, points, durationMs, counted: false };
  }

  /** A carried charge its use case ended without counting (it failed first): counted on its own. */
  async settle(ctx: RequestContext, charge: CarriedCharge): Promise<void> {
    if (!charge.counted) await this.mutation(ctx);
  }

  /** One image upload of a signed-in account. */
  upload(ctx: RequestContext, userId: number): Promise<void> {
    return this.consume(ctx, 'uploadsPerAccount', `user:${userId}`);
  }

  /** One more link confirming a signed-in account's address, mailed to it. */
  verificationMail(ctx: RequestContext, userId: number): Promise<void> {
    return this.consume(ctx, 'verificationMailsPerAccount', `user:${userId}`);
  }

  /** One webhook redelivery asked for by a signed-in account. */
  redelivery(ctx: RequestContext, userId: number): Promise<void> {
    return this.consume(ctx, 'redeliveriesPerAccount', `user:${userId}`);
  }

  private async consume(ctx: RequestContext, limit: Limit, key: string): Promise<void> {
    try {
      await this.limiter(ctx, limit)?.consume(key);
    } catch (error) {
      throw error instanceof RateLimiterRes ? limited(error) : error;
    }
  }

  /** A limit's counter, or none when its setting is 0. Made on first use, on the ORM's own connection pool. */
  private limiter(ctx: RequestContext, limit: Limit): RateLimiterPostgres | undefined {
    this.limiters ??= this.make(ctx.em.getKnex());
    return this.limiters[limit];
  }

  private make(knex: Knex): Partial<Record<Limit, RateLimiterPostgres>> {
    const limits = Object.keys(WINDOWS) as Limit[];
    return Object.fromEntries(
      limits
        .filter((limit) => this.settings[limit] > 0)
        .map((limit, i) => [
          limit,
          new RateLimiterPostgres({
            storeClient: knex,
            storeType: 'knex',
            schemaName: 'rate_limit',
            tableName: 'counter',
            tableCreated: true,
            // One limiter deletes the expired rows of all (every five minutes, those expired an hour ago).
            clearExpiredByTimeout: i === 0,
            keyPrefix: limit,
            points: this.settings[limit],
            duration: this.settings[WINDOWS[limit]],
          }),
        ]),
    );
  }
}
