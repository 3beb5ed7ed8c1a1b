import { counted } from '../accounts/rate-limits';
import { countCharge } from '../accounts/rate-limits.sql';
import type { BookingMode, MeetingProvider } from '../catalog/service.enums';
import type { ServiceQuestion } from '../catalog/service-questions';
import type { RequestContext } from '../core/context';
import { preparedRead } from '../infra/orm';
import type { SlotStatus } from '../scheduling/scheduling.enums';
import { blackedOutSql, calendarBusySql, providerBusySql } from '../scheduling/slot.sql';
import type { BookableService, BookableSlot } from './bookable';

/** The service of the slots a booking names, with its provider's user (who may not book it). */
export type ReadService = BookableService & { provider: { id: number; userId: number } };

/**
 * One row of the booking read: a slot (all null when none was found) and its service, camel-cased by the SQL;
 * times as PostgreSQL writes them (the ORM's connection leaves them unparsed).
 */
interface SlotRow {
  id: number | null;
  serviceId: number;
  startsAt: string;
  endsAt: string;
  capacity: number;
  booked: number;
  held: number;
  status: SlotStatus;
  priceAmount: string | null;
  blackedOut: boolean;
  calendarBusy: boolean;
  providerBusy: boolean;
  svName: string;
  svTimezone: string;
  svPriceAmount: string;
  svCurrency: string;
  svChildRateValue: string;
  svInfantRateValue: string;
  svTaxRateValue: string;
  svLateCancellationRefundValue: string;
  svBookingMode: BookingMode;
  svRequiresPayment: boolean;
  svMinPartySize: number;
  svMaxPartySize: number;
  svCutoffHours: number;
  svAdvanceDays: number;
  svMeetingProvider: MeetingProvider;
  svMeetingProviders: MeetingProvider[];
  svActive: boolean;
  svQuestions: ServiceQuestion[];
  providerId: number;
  providerUserId: number;
  bookingId: number | null;
  chargedPoints: string | null;
  chargedExpire: string | null;
}

const SLOTS_SQL = `with reserved as (select case when $2 then nextval(pg_get_serial_sequence('booking', 'id'))::int end as booking_id),
    charged as (${countCharge('$3::text', '$4::bigint', '$5::bigint')})
  select s.id, s.service_id as "serviceId", s.starts_at as "startsAt", s.ends_at as "endsAt", s.capacity, s.booked, s.held,
    s.status, s.price_amount as "priceAmount", ${blackedOutSql('s', 'sv')} as "blackedOut",
    ${calendarBusySql('s', 'sv')} as "calendarBusy", ${providerBusySql('s', 'sv')} as "providerBusy",
    sv.name as "svName", sv.timezone as "svTimezone", sv.price_amount as "svPriceAmount", sv.currency as "svCurrency",
    sv.child_rate_value as "svChildRateValue", sv.infant_rate_value as "svInfantRateValue", sv.tax_rate_value as "svTaxRateValue",
    sv.late_cancellation_refund_value as "svLateCancellationRefundValue", sv.booking_mode as "svBookingMode",
    sv.requires_payment as "svRequiresPayment", sv.min_party_size as "svMinPartySize", sv.max_party_size as "svMaxPartySize",
    sv.cutoff_hours as "svCutoffHours", sv.advance_days as "svAdvanceDays", sv.meeting_provider as "svMeetingProvider",
    sv.meeting_providers as "svMeetingProviders", sv.active as "svActive", sv.questions as "svQuestions",
    p.id as "providerId", p.user_id as "providerUserId",
    reserved.booking_id as "bookingId", charged.points as "chargedPoints", charged.expire as "chargedExpire"
  from reserved left join charged on true
    left join (slot s join service sv on sv.id = s.service_id join provider p on p.id = sv.provider_id) on s.id = any($1::int[])`;

/** The service of a row: every row of the read carries its slot's. */
function serviceOf(row: SlotRow): ReadService {
  return {
    id: row.serviceId,
    name: row.svName,
    timezone: row.svTimezone,
    priceAmount: row.svPriceAmount,
    currency: row.svCurrency,
    childRateValue: row.svChildRateValue,
    infantRateValue: row.svInfantRateValue,
    taxRateValue: row.svTaxRateValue,
    lateCancellationRefundValue: row.svLateCancellationRefundValue,
    bookingMode: row.svBookingMode,
    requiresPayment: row.svRequiresPayment,
    minPartySize: row.svMinPartySize,
    maxPartySize: row.svMaxPartySize,
    cutoffHours: row.svCutoffHours,
    advanceDays: row.svAdvanceDays,
    meetingProvider: row.svMeetingProvider,
    meetingProviders: row.svMeetingProviders,
    active: row.svActive,
    questions: row.svQuestions,
    provider: { id: row.providerId, userId: row.providerUserId },
  };
}

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
  const found = rows.filter((row) => row.id !== null);
  const platform = ctx.em.getPlatform(); // parses times as the entities' are
  const slots = found.map((row) => ({
    id: row.id!,
    service: { id: row.serviceId },
    startsAt: platform.parseDate(row.startsAt),
    endsAt: platform.parseDate(row.endsAt),
    capacity: row.capacity,
    booked: row.booked,
    held: row.held,
    status: row.status,
    priceAmount: row.priceAmount,
    blackedOut: row.blackedOut,
    calendarBusy: row.calendarBusy,
    providerBusy: row.providerBusy,
  }));
  return { slots, service: found.length ? serviceOf(found[0]) : undefined, bookingId: first.bookingId };
}

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
