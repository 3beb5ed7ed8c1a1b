import type { StatementParts } from '../core/effects';
import { pgArray, type Statement } from '../core/sql';
import type { HoldSettings } from './hold-policy';

/** Writes the settings the database's booking rules read (`booking_policy`, one row). */
export const writeBookingPolicy = (holds: HoldSettings, guestAddressesPerDay: number): Statement<never> => ({
  sql: `update booking_policy set bookings_per_service = ?, seats_per_service = ?, bookings = ?, seats = ?,
    cooldown_seconds = ?, guest_addresses_per_day = ?`,
  params: [
    holds.bookingsPerService,
    holds.seatsPerService,
    holds.bookings,
    holds.seats,
    Math.round(holds.cooldownMinutes * 60),
    guestAddressesPerDay,
  ],
});

/** The database's hold rule (`check_hold`) for `seats` seats of these slots: it raises the refusal, if any. */
export const checkHold = (
  customerId: number,
  serviceId: number,
  slotIds: readonly number[],
  seats: number,
  now: Date,
): Statement<never> => ({
  sql: 'select check_hold(?, ?, ?::int[], 1, ?, ?)',
  params: [customerId, serviceId, pgArray(slotIds), seats, now],
});

/** The statement parts, under the CTE name `name`, that note when a customer's hold on these slots ended. */
export const holdReleaseParts = (
  name: string,
  customerId: number,
  slotIds: readonly number[],
  now: Date,
): StatementParts => ({
  ctes: [
    `${name} as (insert into hold_release (customer_id, slot_id, released_at) select ?, unnest(?::int[]), ?
      on conflict (customer_id, slot_id) do update set released_at = excluded.released_at returning 1)`,
  ],
  cteParams: [customerId, pgArray(slotIds), now],
  calls: [`(select count(*) from ${name}) as ${name}`],
  callParams: [],
});
