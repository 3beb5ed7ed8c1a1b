import type { Statement } from '../core/sql';

/**
 * Inserts the caller's key, or takes over its row when expired (created before `expired`) or abandoned
 * (unanswered since before `abandoned`, same body); removes up to `purge` other expired keys on the way.
 * A row comes back when this request is to run.
 */
export const claimKey = (
  caller: string,
  key: string,
  fingerprint: string,
  times: { now: Date; expired: Date; abandoned: Date },
  purge: number,
): Statement<{ claimed: number }> => ({
  sql: `with purge as (
      delete from idempotency_key where ctid in (
        select ctid from idempotency_key where created_at < ? and not (caller = ? and key = ?) order by created_at limit ? for update skip locked))
    insert into idempotency_key (caller, key, fingerprint, created_at) values (?, ?, ?, ?)
    on conflict (caller, key) do update set fingerprint = excluded.fingerprint, status_code = null, body = null, created_at = excluded.created_at
      where idempotency_key.created_at < ? or (idempotency_key.body is null and idempotency_key.created_at < ? and idempotency_key.fingerprint = excluded.fingerprint)
    returning 1 as claimed`,
  params: [times.expired, caller, key, purge, caller, key, fingerprint, times.now, times.expired, times.abandoned],
});

/** A key as kept: the fingerprint of the body it was first used with and, once kept, that request's answer. */
export interface StoredKey {
  fingerprint: string;
  status_code: number | null;
  body: string | null;
}

/** The caller's key. */
export const storedKey = (caller: string, key: string): Statement<StoredKey> => ({
  sql: 'select fingerprint, status_code, body from idempotency_key where caller = ? and key = ?',
  params: [caller, key],
});

/** Gives the caller's key back. */
export const dropKey = (caller: string, key: string): Statement<never> => ({
  sql: 'delete from idempotency_key where caller = ? and key = ?',
  params: [caller, key],
});

/** Keeps the answer (sealed) of the caller's key. */
export const keepKeyAnswer = (caller: string, key: string, statusCode: number, body: string): Statement<never> => ({
  sql: 'update idempotency_key set status_code = ?, body = ? where caller = ? and key = ?',
  params: [statusCode, body, caller, key],
});
