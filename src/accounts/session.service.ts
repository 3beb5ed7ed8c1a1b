import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { RequestContext, TxContext } from '../core/context';
import { Unauthenticated } from '../core/errors';
import type { Tokens } from './tokens';
import { AuthPayload } from './account.inputs';
import type { SessionCheck } from './session-check';
import { Session } from './session.entity';
import { User } from './user.entity';
import { justTraded, revokeReplayed, tradeRefresh } from './session.sql';
import { run } from '../core/sql';

const DAY_MS = 86_400_000;
/** How long after a trade the same refresh token, presented again (a concurrent twin), gets the same pair. */
export const REFRESH_GRACE_MS = 20_000;

const newRefreshToken = () => randomBytes(32).toString('base64url');
const digest = (refreshToken: string) => createHash('sha256').update(refreshToken).digest('hex');

/** Sessions: a refresh token per signed-in device, rotated on every use, and the access tokens it yields. */
export class SessionService {
  constructor(
    private readonly tokens: Tokens,
    private readonly refreshDays: number,
    private readonly checks: SessionCheck,
    /** Derives each refresh token from the one it replaces, so that twins of one trade get the same. */
    private readonly refreshKey: string,
  ) {}

  /** Starts a session for a user who has just proved who they are. */
  async open(ctx: RequestContext, user: User): Promise<AuthPayload> {
    const refreshToken = newRefreshToken();
    const session = ctx.em.create(Session, {
      user,
      refreshHash: digest(refreshToken),
      createdAt: ctx.clock.now(),
      expiresAt: this.expiry(ctx),
    });
    await ctx.em.flush();
    return this.payload(user, session.id, refreshToken);
  }

  /**
   * Trades a refresh token for a new pair. One conditional update takes the token, so of two uses of
   * the same token only one trades it. The new refresh token is derived from the one given (an HMAC under
   * a server key), so a twin of that trade within REFRESH_GRACE_MS (two tabs or retries refreshing at
   * once) gets the same pair rather than signing the client out. Later, a token already traded in (a
   * copy in someone else's hands, or a replay) ends its session.
   */
  async refresh(ctx: RequestContext, refreshToken: string): Promise<AuthPayload> {
    const presented = digest(refreshToken);
    const next = createHmac('sha256', this.refreshKey).update(refreshToken).digest('base64url');
    const now = ctx.clock.now();
    const [row] = await run(ctx.em, tradeRefresh(presented, digest(next), now, this.expiry(ctx)));
    const session = row ?? (await this.justTraded(ctx, presented, digest(next)));
    if (!session) {
      const [replayed] = await run(ctx.em, revokeReplayed(presented, now));
      if (replayed) this.checks.changed(replayed.user_id);
      throw new Unauthenticated('The refresh token is invalid, used or expired: sign in again');
    }
    return this.payload(await ctx.em.findOneOrFail(User, session.user_id), session.id, next);
  }

  /** The live session that traded `presented` for `nextHash` within the grace, and has not traded since. */
  private async justTraded(ctx: RequestContext, presented: string, nextHash: string) {
    const now = ctx.clock.now();
    const [row] = await run(ctx.em, justTraded(presented, nextHash, new Date(now.getTime() - REFRESH_GRACE_MS), now));
    return row;
  }

  /**
   * Ends a session: its refresh token and every access token it gave stop working, in this process at
   * once and in every other one when the database's notice reaches it.
   */
  async end(ctx: RequestContext, userId: number, sessionId: number): Promise<void> {
    await ctx.em.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { revokedAt: ctx.clock.now() });
    this.checks.changed(userId);
  }

  /** Ends every session of the user but `keep`, and gives `keep` a new refresh token (after a password change). */
  async keepOnly(ctx: TxContext, user: User, keep: number): Promise<AuthPayload> {
    await ctx.em.nativeUpdate(Session, { user, id: { $ne: keep }, revokedAt: null }, { revokedAt: ctx.clock.now() });
    ctx.effects.afterCommit(() => this.checks.changed(user.id));
    const refreshToken = newRefreshToken();
    await ctx.em.nativeUpdate(
      Session,
      { id: keep },
      { refreshHash: digest(refreshToken), previousRefreshHash: null, expiresAt: this.expiry(ctx) },
    );
    return this.payload(user, keep, refreshToken);
  }

  private expiry(ctx: RequestContext): Date {
    return new Date(ctx.clock.now().getTime() + this.refreshDays * DAY_MS);
  }

  private async payload(user: User, sessionId: number, refreshToken: string): Promise<AuthPayload> {
    const { token, expiresAt } = await this.tokens.issue(user.id, sessionId);
    return Object.assign(new AuthPayload(), { token, refreshToken, expiresAt, user });
  }
}
