import { counted } from '../accounts/rate-limits';
import { countCharge } from '../accounts/rate-limits.sql';
import type { RequestContext } from '../core/context';
import type { Statement } from '../core/sql';
import { preparedRead } from '../infra/orm';
import type { SlotStatus } from '../scheduling/scheduling.enums';
import { blackedOutSql, calendarBusySql, providerBusySql } from '../scheduling/slot.sql';
import type { BookableService, BookableSlot } from './bookable';

/** The service of the slots a booking names, with its provider's user (who may not book it). */
export type ReadService = BookableService & { provider: { id: number; userId: number } };

/**
 * One row of the booking read: a slot (all null when none was found) with its service as one JSON value,
 * named as the types name them; times in epoch milliseconds and decimals as text, as the slot reads send them.
 */
interface SlotRow {
  id: number | null;
  startsAt: number;
  endsAt: number;
  capacity: number;
  booked: number;
  held: number;
  status: SlotStatus;
  priceAmount: string | null;
  blackedOut: boolean;
  calendarBusy: boolean;
  providerBusy: boolean;
  service: ReadService | null;
  bookingId: number | null;
  chargedPoints: string | null;
  chargedExpire: string | null;
}

const SLOTS_SQL = `with reserved as (select case when $2 then nextval(pg_get_serial_sequence('booking', 'id'))::int end as booking_id),
    charged as (${countCharge('$3::text', '$4::bigint', '$5::bigint')})
  select s.id, (extract(epoch from s.starts_at) * 1000)::float8 as "startsAt", (extract(epoch from s.ends_at) * 1000)::float8 as "endsAt",
    s.capacity, s.booked, s.held, s.status, s.price_amount as "priceAmount", ${blackedOutSql('s', 'sv')} as "blackedOut",
    ${calendarBusySql('s', 'sv')} as "calendarBusy", ${providerBusySql('s', 'sv')} as "providerBusy",
    case when s.id is not null then json_build_object('id', sv.id, 'name', sv.name, 'timezone', sv.timezone,
      'priceAmount', sv.price_amount::text, 'currency', sv.currency, 'childRateValue', sv.child_rate_value::text,
      'infantRateValue', sv.infant_rate_value::text, 'taxRateValue', sv.tax_rate_value::text,
      'lateCancellationRefundValue', sv.late_cancellation_refund_value::text, 'bookingMode', sv.booking_mode,
      'requiresPayment', sv.requires_payment, 'minPartySize', sv.min_party_size, 'maxPartySize', sv.max_party_size,
      'cutoffHours', sv.cutoff_hours, 'advanceDays', sv.advance_days, 'meetingProvider', sv.meeting_provider,
      'meetingProviders', sv.meeting_providers, 'active', sv.active, 'questions', sv.questions,
      'provider', json_build_object('id', p.id, 'userId', p.user_id)) end as service,
    reserved.booking_id as "bookingId", charged.points as "chargedPoints", charged.expire as "chargedExpire"
  from reserved left join charged on true
    left join (slot s join service sv on sv.id = s.service_id join provider p on p.id = sv.provider_id) on s.id = any($1::int[])`;

/**
 * The slots a booking names and the service of the first, as ONE named prepared statement (planned once per
 * connection, the values bound, no query built per request) whose rows stay plain: no entity is made on the
 * write path. `reserveId` also takes the new booking's id from its sequence, and the request's carried
 * rate-limit charge is counted, in the same round trip.
 */
export async function bookingSlots(
  ctx: RequestContext,
  slotIds: number[],
  reserveId: boolean,
): Promise<{ slots: BookableSlot[]; service: ReadService | undefined; bookingId: number | null }> {
  const charge = ctx.carriedCharge;
  const now = Date.now(); // the counter's windows are in real time, as rate-limiter-flexible keeps them
  const rows = await preparedRead<SlotRow>(ctx, 'booking_slots', SLOTS_SQL, [
    slotIds,
    reserveId,
    charge?.key ?? null,
    now,
    charge ? now + charge.durationMs : null,
  ]);
  // The one row of a statement that found no slot still carries the charge and the id.
  const [first] = rows;
  if (charge) counted(charge, Number(first.chargedPoints), Number(first.chargedExpire), now);
  const slots = rows
    .filter((row) => row.id !== null)
    .map((row) => ({
      id: row.id!,
      service: row.service!,
      startsAt: new Date(row.startsAt),
      endsAt: new Date(row.endsAt),
      capacity: row.capacity,
      booked: row.booked,
      held: row.held,
      status: row.status,
      priceAmount: row.priceAmount,
      blackedOut: row.blackedOut,
      calendarBusy: row.calendarBusy,
      providerBusy: row.providerBusy,
    }));
  return { slots, service: slots[0]?.service, bookingId: first.bookingId };
}

/** `count` new booking ids, taken from the booking sequence in one round trip (before anything names them). */
export const nextBookingIds = (count: number): Statement<{ id: number }> => ({
  sql: `select nextval(pg_get_serial_sequence('booking', 'id'))::int as id from generate_series(1, ?)`,
  params: [count],
});

/** A slot's free seats as they stand, read past the unit of work (the seat gate's fresh look). */
export async function seatsLeft(ctx: RequestContext, slotId: number): Promise<number> {
  const [row] = await preparedRead<{ left: number }>(
    ctx,
    'seats_left',
    'select capacity - booked - held as left from slot where id = $1',
    [slotId],
  );
  return row?.left ?? 0;
}
