import type { TxContext } from '../core/context';

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

/** Moves the guest identity of `account`'s email (if any) into the account, then deletes it; answers how many bookings came. */
export async function adoptGuest(tx: TxContext, account: { id: number; email: string }): Promise<number> {
  const [guest] = await tx.em.execute<{ id: number }[]>(
    'select id from app_user where email = ? and guest for update',
    [account.email],
  );
  if (!guest) return 0;
  const [moved] = await tx.em.execute<{ bookings: number }[]>(
    `with ${OWNED.map(([table, column], i) => `m${i} as (update ${table} set ${column} = ? where ${column} = ? returning 1)`).join(', ')}
     select (select count(*) from m0)::int as bookings`,
    OWNED.flatMap(() => [account.id, guest.id]),
  );
  // Its hold cooldowns go with it (the account's own hold rules apply from now on).
  await tx.em.execute('delete from app_user where id = ?', [guest.id]);
  return moved.bookings;
}
