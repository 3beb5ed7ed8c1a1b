import { counted } from '../accounts/rate-limits';
import DataLoader from 'dataloader';
import { countCharges } from '../accounts/rate-limits.sql';
import type { CarriedCharge, RequestContext } from '../core/context';
import type { Statement } from '../core/sql';
import { preparedRead } from '../infra/orm';
import type { SlotStatus } from '../scheduling/scheduling.enums';
import { blackedOutSql, calendarBusySql, providerBusySql } from '../scheduling/slot.sql';
import type { BookableService, BookableSlot } from './bookable';

/** The service of the slots a booking names, with its provider's user (who may not book it). */
export type ReadService = BookableService & { provider: { id: number; userId: number } };

/**
 * One row of the booking read: a request of the batch (`n`, from 1) with one of its slots (all null when none
 * was found) and that slot's service as one JSON value, named as the types name them; times in epoch
 * milliseconds and decimals as text, as the slot reads send them.
 */
interface SlotRow {
  n: number;
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

/**
 * The reads of a batch of requests in one statement. Per request (`req`, by its place `n`): a new booking id
 * when it asks for one, its carried rate-limit charge, and its slots (`$5` names the request of each slot of
 * `$6`). A key charged by several requests of the batch is counted once by their number; each request is
 * answered the count as it would have been after its own point (`rank`).
 */
const SLOTS_SQL = `with req as (select * from unnest($1::bool[], $2::text[], $3::bigint[]) with ordinality as r(reserve, key, window_end, n)),
    reserved as (select n, case when reserve then nextval(pg_get_serial_sequence('booking', 'id'))::int end as booking_id from req),
    charged as (${countCharges('(select key, count(*)::int as points, max(window_end) as window_end from req where key is not null group by key)', '$4::bigint')}),
    ranked as (select n, key, count(*) over (partition by key order by n) as rank, count(*) over (partition by key) as of from req where key is not null)
  select reserved.n::int, s.id, (extract(epoch from s.starts_at) * 1000)::float8 as "startsAt", (extract(epoch from s.ends_at) * 1000)::float8 as "endsAt",
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
    reserved.booking_id as "bookingId", charged.points - ranked.of + ranked.rank as "chargedPoints", charged.expire as "chargedExpire"
  from reserved left join ranked on ranked.n = reserved.n left join charged on charged.key = ranked.key
    left join (unnest($5::int[], $6::int[]) as wanted(n, slot_id) join slot s on s.id = wanted.slot_id
      join service sv on sv.id = s.service_id join provider p on p.id = sv.provider_id) on wanted.n = reserved.n`;

/** One request's read, as it waits in a batch. */
interface SlotsWanted {
  ctx: RequestContext;
  slotIds: number[];
  reserveId: boolean;
  charge: CarriedCharge | undefined;
}

/** What the batch answered one request: its rows (one at least, carrying its charge and id). */
type SlotsAnswered = SlotRow[];

/** Sends a batch of reads as one statement, answering each request its rows. */
async function readBatch(wanted: readonly SlotsWanted[]): Promise<SlotsAnswered[]> {
  const now = Date.now(); // the counters' windows are in real time, as rate-limiter-flexible keeps them
  const charges = wanted.map((one) => one.charge);
  const rows = await preparedRead<SlotRow>(wanted[0].ctx, 'booking_slots', SLOTS_SQL, [
    wanted.map((one) => one.reserveId),
    charges.map((charge) => charge?.key ?? null),
    charges.map((charge) => (charge ? now + charge.durationMs : null)),
    now,
    wanted.flatMap((one, i) => one.slotIds.map(() => i + 1)),
    wanted.flatMap((one) => one.slotIds),
  ]);
  const answered = wanted.map((): SlotsAnswered => []);
  for (const row of rows) answered[row.n - 1].push(row);
  return answered;
}

const MAX_BATCH = 200;

/**
 * The booking reads of one process, per connection pool: a read is sent at once while none is under way, and
 * the reads asked for meanwhile wait for it and go together as the next statement. A hot slot's burst of
 * bookings then costs the database a few statements and commits instead of one per request, and a quiet server
 * sends each read alone, as it comes.
 */
function batcher(): DataLoader<SlotsWanted, SlotsAnswered> {
  let underWay: Promise<unknown> | undefined;
  return new DataLoader(
    (wanted) => {
      const sent = readBatch(wanted);
      const settled = sent.then(
        () => undefined,
        () => undefined,
      );
      underWay = settled;
      void settled.then(() => {
        if (underWay === settled) underWay = undefined;
      });
      return sent;
    },
    {
      cache: false,
      maxBatchSize: MAX_BATCH,
      // setImmediate: the requests read from the sockets in the same turn go together.
      batchScheduleFn: (send) => (underWay ? void underWay.then(send) : setImmediate(send)),
    },
  );
}

/** The reads waiting for each pool (a server's knex): one batcher per database a process serves. */
const batchers = new WeakMap<object, DataLoader<SlotsWanted, SlotsAnswered>>();

/**
 * The slots a booking names and the service of the first, read with the reads of the other requests of the
 * moment as ONE named prepared statement (planned once per connection, the values bound, no query built per
 * request) whose rows stay plain: no entity is made on the write path. `reserveId` also takes the new
 * booking's id from its sequence, and the request's carried rate-limit charge is counted, in the same round
 * trip.
 */
export async function bookingSlots(
  ctx: RequestContext,
  slotIds: number[],
  reserveId: boolean,
): Promise<{ slots: BookableSlot[]; service: ReadService | undefined; bookingId: number | null }> {
  const knex = ctx.knex ?? ctx.em.getKnex();
  let batch = batchers.get(knex);
  if (!batch) {
    batch = batcher();
    batchers.set(knex, batch);
  }
  const charge = ctx.carriedCharge;
  const rows = await batch.load({ ctx, slotIds, reserveId, charge });
  // A request whose slots were not found still has its one row, carrying its charge and its id.
  const [first] = rows;
  if (charge) counted(charge, Number(first.chargedPoints), Number(first.chargedExpire), Date.now());
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
