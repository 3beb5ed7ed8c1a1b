import { SignJWT, jwtVerify } from 'jose';
import type { Actor } from '../core/context';
import { Role } from '../accounts/role';

/** Signed bearer tokens (HS256) that carry the user id and role, with an expiry. */
export class Tokens {
  private readonly key: Uint8Array;

  constructor(secret: string, private readonly ttlHours: number) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(actor: Actor, now: Date): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ role: actor.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(actor.userId))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + Math.round(this.ttlHours * 3600))
      .sign(this.key);
  }

  /** The actor of a valid token, or undefined for a missing, forged or expired one. */
  async verify(token: string): Promise<Actor | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      const role = payload.role as Role;
      if (!payload.sub || !Object.values(Role).includes(role)) return undefined;
      return { userId: Number(payload.sub), role };
    } catch {
      return undefined;
    }
  }

  /** Reads `Bearer <token>` from an Authorization header or connection parameter. */
  async fromHeader(header: unknown): Promise<Actor | undefined> {
    if (typeof header !== 'string') return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return match ? this.verify(match[1]) : undefined;
  }
}
