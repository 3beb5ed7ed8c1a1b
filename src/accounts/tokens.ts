import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { SignJWT, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { SessionCheck } from './session-check';
import type { Clock } from '../core/clock';
import type { Actor } from '../core/context';
import { Unauthenticated } from '../core/errors';

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

/** A signed-in actor and when the token that signed it in expires (a socket closes then). */
export interface TokenSession {
  actor: Actor;
  expiresAt: Date;
}

/** What a token's verified signature vouches for. */
type Claims = Omit<Actor, 'role'> & { expiresAt: Date };

/** Tokens whose signature this process verified, kept so that a client's next requests skip the HMAC. */
const VERIFIED_TOKENS = 10_000;

/** UNAUTHENTICATED for the whole request: HTTP answers 401 before any field runs. */
function refused(message: string): GraphQLError {
  return new GraphQLError(message, {
    originalError: new Unauthenticated(message),
    extensions: { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]) } },
  });
}

/**
 * Short-lived access tokens (HS256) that name a user and a session. Every use checks that the session was
 * not ended and the account is still active (SessionCheck: in memory while revocation notices are heard,
 * else one indexed query), so logOut and deactivation take effect at once.
 */
export class Tokens {
  private readonly key: Uint8Array;
  /** A token's claims never change: only its expiry is checked again, at each use. */
  private readonly verified = new LRUCache<string, Claims>({ max: VERIFIED_TOKENS });

  constructor(
    secret: string,
    private readonly ttlMinutes: number,
    private readonly clock: Clock,
    private readonly sessions: SessionCheck,
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
    return (await this.session(em, authorization))?.actor;
  }

  /** As `authenticate`, with the token's expiry. */
  async session(em: EntityManager, authorization: unknown): Promise<TokenSession | undefined> {
    if (authorization === undefined) return undefined;
    const { expiresAt, ...claims } = await this.verify(authorization);
    const actor = await this.recheck(em, { ...claims, role: undefined });
    if (!actor) throw refused('This session has ended: sign in again');
    return { actor, expiresAt };
  }

  /** The actor as its session stands now (its account's role may have changed), or undefined once it ended. */
  async recheck(em: EntityManager, actor: Omit<Actor, 'role'> & { role?: unknown }): Promise<Actor | undefined> {
    const role = await this.sessions.role(em, actor.sessionId, actor.userId);
    return role && { userId: actor.userId, sessionId: actor.sessionId, role };
  }

  private async verify(authorization: unknown): Promise<Claims> {
    const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match) throw refused('Send the token as "Bearer <token>"');
    const [, token] = match;
    const now = this.clock.now();
    const known = this.verified.get(token);
    // As jose judges `exp`: expired once the clock reaches it.
    if (known && known.expiresAt > now) return known;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], currentDate: now });
      const userId = Number(payload.sub);
      const sessionId = payload.sid;
      if (Number.isSafeInteger(userId) && typeof sessionId === 'number' && Number.isSafeInteger(sessionId)) {
        const claims = { userId, sessionId, expiresAt: new Date((payload.exp ?? 0) * 1000) };
        this.verified.set(token, claims);
        return claims;
      }
    } catch {
      // jose's reasons (expired, bad signature, malformed) are all the same answer for the client.
    }
    throw refused('The token is invalid or expired');
  }
}
