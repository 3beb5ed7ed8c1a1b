import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext, TxContext } from '../core/context';
import { databaseRefusal } from '../core/refusals';
import { run } from '../core/sql';
import type { BookingPlan } from './booking-plan';
import { checkHold, holdReleaseParts, writeBookingPolicy } from './hold-policy.sql';

/**
 * HOLD_* settings: how much one customer may hold unpaid at once (PENDING_PAYMENT bookings, and their
 * seats summed over their slots), per service and in all (0: no cap), and how long after a hold of theirs
 * was cancelled or ran out they wait before holding any of its slots again.
 */
export interface HoldSettings {
  bookingsPerService: number;
  seatsPerService: number;
  bookings: number;
  seats: number;
  cooldownMinutes: number;
}

/**
 * Writes the settings where the database's booking rules read them (`booking_policy`: the hold caps and
 * cooldown, and the distinct guest addresses an account may name in a day): each server does at start,
 * so every process on a database must share them.
 */
export async function saveBookingPolicy(
  em: EntityManager,
  settings: { holds: HoldSettings; guestAddressesPerDay: number },
): Promise<void> {
  await run(em, writeBookingPolicy(settings.holds, settings.guestAddressesPerDay));
}

/**
 * Asks the hold rule whether the plan's customer may hold it, before a card payment is started for it:
 * a refusal then costs no call to Stripe. Read without a lock; the trigger on the booking written decides.
 */
export async function assertMayHold(ctx: RequestContext, plan: BookingPlan): Promise<void> {
  const slotIds = plan.slots.map((slot) => slot.id);
  try {
    await run(
      ctx.em,
      checkHold(plan.customerId, plan.service.id, slotIds, plan.terms.seats * slotIds.length, ctx.clock.now()),
    );
  } catch (error) {
    throw databaseRefusal(error) ?? error;
  }
}

/**
 * Remembers, in the change's own statement of effects, that a customer's hold on these slots ended
 * (cancelled, or ran out): a new hold of any of them waits for the cooldown.
 */
export function holdReleased(tx: TxContext, customerId: number, slotIds: number[]): void {
  tx.effects.writeRows((name) => holdReleaseParts(name, customerId, slotIds, tx.clock.now()));
}
