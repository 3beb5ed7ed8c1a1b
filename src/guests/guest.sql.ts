import type { Statement } from '../core/sql';

/** Whether the address belongs to an account (which books signed in). */
export const accountOfEmail = (email: string): Statement<{ one: number }> => ({
  sql: 'select 1 as one from app_user where email = ? and not guest',
  params: [email],
});

/** The guest identity of an email, made on its first booking; its name and language follow the latest. */
export const upsertGuest = (email: string, name: string, locale: string, now: Date): Statement<{ id: number }> => ({
  sql: `insert into app_user (email, password_hash, name, role, timezone, locale, created_at, guest)
    values (?, '', ?, 'CUSTOMER', 'UTC', ?, ?, true)
    on conflict (email) where guest do update set name = excluded.name, locale = excluded.locale returning id`,
  params: [email, name, locale, now],
});

/** The guest identity of an account's email, locked while it is adopted. */
export const lockGuest = (email: string): Statement<{ id: number }> => ({
  sql: 'select id from app_user where email = ? and guest for update',
  params: [email],
});

/**
 * What a guest identity has that names its customer: moved, as a whole, to the account that proved it owns
 * the guest's email (verifyEmail), so that the account sees and manages those bookings as its own.
 */
const OWNED = [
  ['booking', 'customer_id'],
  ['payment', 'payer_id'],
  ['proposal', 'customer_id'],
  ['waitlist_entry', 'customer_id'],
  ['message', 'recipient_id'],
  ['audit_entry', 'actor_id'],
] as const;

/** Moves everything the guest owns to the account in one statement; answers how many bookings moved. */
export const moveGuestRows = (accountId: number, guestId: number): Statement<{ bookings: number }> => ({
  sql: `with ${OWNED.map(([table, column], i) => `m${i} as (update ${table} set ${column} = ? where ${column} = ? returning 1)`).join(', ')}
    select (select count(*) from m0)::int as bookings`,
  params: OWNED.flatMap(() => [accountId, guestId]),
});

/** The adopted guest identity goes, and its hold cooldowns with it (the account's own hold rules apply from now on). */
export const deleteGuest = (guestId: number): Statement<never> => ({
  sql: 'delete from app_user where id = ?',
  params: [guestId],
});
