import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { SignJWT, jwtVerify } from 'jose';
import type { Role } from '../accounts/role';
import type { Clock } from '../core/clock';
import type { Actor } from '../core/context';
import { Unauthenticated } from '../core/errors';

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

// The session must be live and its account active; the role is the account's, not the token's.
const LIVE_SESSION = `select u.role from session s join app_user u on u.id = s.user_id
  where s.id = ? and s.user_id = ? and s.revoked_at is null and s.expires_at > ? and u.deactivated_at is null`;

/** UNAUTHENTICATED for the whole request: HTTP answers 401 before any field runs. */
function refused(message: string): GraphQLError {
  return new GraphQLError(message, {
    originalError: new Unauthenticated(message),
    extensions: { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]) } },
  });
}

/**
 * Short-lived access tokens (HS256) that name a user and a session. Every use checks, in one indexed
 * query, that the session was not ended and the account is still active, so logOut and deactivation
 * take effect at once.
 */
export class Tokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlMinutes: number,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(userId: number, sessionId: number): Promise<AccessToken> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + Math.round(this.ttlMinutes * 60);
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * The actor of an `Authorization` value (`Bearer <token>`): none without a value (anonymous, no query);
   * a refusal for a malformed, forged, expired or revoked token, or a deactivated or deleted account.
   */
  async authenticate(em: EntityManager, authorization: unknown): Promise<Actor | undefined> {
    if (authorization === undefined) return undefined;
    const claims = await this.verify(authorization);
    const [row] = await em.execute<{ role: Role }[]>(LIVE_SESSION, [claims.sessionId, claims.userId, this.clock.now()]);
    if (!row) throw refused('This session has ended: sign in again');
    return { ...claims, role: row.role };
  }

  private async verify(authorization: unknown): Promise<Omit<Actor, 'role'>> {
    const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match) throw refused('Send the token as "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1], this.key, { algorithms: ['HS256'], currentDate: this.clock.now() });
      const userId = Number(payload.sub);
      const sessionId = payload.sid;
      if (Number.isSafeInteger(userId) && typeof sessionId === 'number' && Number.isSafeInteger(sessionId))
        return { userId, sessionId };
    } catch {
      // jose's reasons (expired, bad signature, malformed) are all the same answer for the client.
    }
    throw refused('The token is invalid or expired');
  }
}
