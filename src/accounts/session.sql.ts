import type { Role } from './role';
import type { Statement } from '../core/sql';

/** The session if it is live and its account active; the role is the account's, not the token's. */
export const liveSession = (
  sessionId: number,
  userId: number,
  now: Date,
): Statement<{ role: Role; expires_at: Date }> => ({
  sql: `select u.role, s.expires_at from session s join app_user u on u.id = s.user_id
    where s.id = ? and s.user_id = ? and s.revoked_at is null and s.expires_at > ? and u.deactivated_at is null`,
  params: [sessionId, userId, now],
});

/** Takes a live session's refresh token in one conditional update: of two uses of one token, one wins. */
export const tradeRefresh = (
  presentedHash: string,
  nextHash: string,
  now: Date,
  expiresAt: Date,
): Statement<{ id: number; user_id: number }> => ({
  sql: `update session s set refresh_hash = ?, previous_refresh_hash = s.refresh_hash, rotated_at = ?, expires_at = ?
    from app_user u
    where s.refresh_hash = ? and u.id = s.user_id and s.revoked_at is null and s.expires_at > ? and u.deactivated_at is null
    returning s.id, s.user_id`,
  params: [nextHash, now, expiresAt, presentedHash, now],
});

/** Revokes the session whose previous refresh token this is: a replayed token ends the session it came from. */
export const revokeReplayed = (presentedHash: string, now: Date): Statement<{ user_id: number }> => ({
  sql: 'update session set revoked_at = ? where previous_refresh_hash = ? and revoked_at is null returning user_id',
  params: [now, presentedHash],
});

/** The live session that traded `presentedHash` for `nextHash` since `since`, and has not traded again. */
export const justTraded = (
  presentedHash: string,
  nextHash: string,
  since: Date,
  now: Date,
): Statement<{ id: number; user_id: number }> => ({
  sql: `select s.id, s.user_id from session s join app_user u on u.id = s.user_id
    where s.previous_refresh_hash = ? and s.refresh_hash = ? and s.rotated_at > ?
      and s.revoked_at is null and s.expires_at > ? and u.deactivated_at is null`,
  params: [presentedHash, nextHash, since, now],
});
