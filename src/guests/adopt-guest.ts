import type { TxContext } from '../core/context';
import { run } from '../core/sql';
import { deleteGuest, lockGuest, moveGuestRows } from './guest.sql';

/** Moves the guest identity of `account`'s email (if any) into the account, then deletes it; answers how many bookings came. */
export async function adoptGuest(tx: TxContext, account: { id: number; email: string }): Promise<number> {
  const [guest] = await run(tx.em, lockGuest(account.email));
  if (!guest) return 0;
  const [moved] = await run(tx.em, moveGuestRows(account.id, guest.id));
  await run(tx.em, deleteGuest(guest.id));
  return moved.bookings;
}
