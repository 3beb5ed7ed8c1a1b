/**
 * Schema bench_anchor, what PostGraphile serves in the bench (bench/postgraphile.ts), installed by the bench
 * in its own database only (our migrations know nothing of it):
 *   - a view `slot` of our slot table, with computed columns `available` (our seatsAvailableSql) and
 *     `price` (amount rounded to the currency's minor unit as our Money serialises it, and currency);
 *   - `bench_month_slots(service_id, from, to)`: the slots of a service starting in [from, to), by start;
 *   - `bench_month_slot_rows(service_id, from, to)`: the same with free seats and price in each row;
 *   - `bench_month_availability(service_id, month)`: one row per day of the month, as a PostGraphile user
 *     would write it: our seat rule (seatsAvailableSql) for each open slot, summed by date, our level rule,
 *     and the blackout test of our rule for each date;
 *   - `bench_month_statement(service_id, month)`: the same answer from our server's own month statement
 *     (src/scheduling/slot-reads.sql.ts monthSql), which looks for the service-level parts of the rule once.
 */
import type { Pool } from 'pg';
import { minorDigits } from '../src/core/money';
import { seatsAvailableSql, wholeDayBlackoutSql } from '../src/scheduling/slot.sql';
import { monthSql } from '../src/scheduling/slot-reads.sql';

/** The currencies whose minor unit is not 2 digits, as Intl (and so our Money) knows them. */
const minorDigitsSql = (currency: string): string => {
  const odd = Intl.supportedValuesOf('currency').filter((code) => minorDigits(code) !== 2);
  return `case ${currency} ${odd.map((code) => `when '${code}' then ${minorDigits(code)}`).join(' ')} else 2 end`;
};

/** Our level rule (src/scheduling/availability.ts availabilityLevel) in SQL. */
const levelSql = (seats: string, capacity: string): string =>
  `case when coalesce(${seats}, 0) <= 0 or coalesce(${capacity}, 0) <= 0 then 'NONE' when ${seats} * 2 >= ${capacity} then 'HIGH' when ${seats} * 5 >= ${capacity} then 'MEDIUM' else 'LOW' end`;

/**
 * Non-strict, stable SQL functions, so that PostgreSQL can inline the set-returning ones into the statement
 * PostGraphile sends. The computed columns are not inlined (their bodies hold subqueries): PostgreSQL calls
 * them once per row. So the month's slots are offered a second way too, `bench_month_slot_rows`, rows that
 * carry their free seats and price, worked out in one statement as our server does.
 */
const SCHEMA = `
  drop schema if exists bench_anchor cascade;
  create schema bench_anchor;
  create view bench_anchor.slot as select * from public.slot;
  create type bench_anchor.money as (amount text, currency text);
  create function bench_anchor.slot_available(s bench_anchor.slot) returns int language sql stable as $$
    select ${seatsAvailableSql('s', 'now()')}
  $$;
  create function bench_anchor.slot_price(s bench_anchor.slot) returns bench_anchor.money language sql stable as $$
    select round(coalesce(s.price_amount, v.price_amount), ${minorDigitsSql('v.currency')})::text, v.currency from public.service v where v.id = s.service_id
  $$;
  create function bench_anchor.bench_month_slots(service_id int, "from" timestamptz, "to" timestamptz) returns setof bench_anchor.slot language sql stable as $$
    select s.* from bench_anchor.slot s where s.service_id = $1 and s.starts_at >= $2 and s.starts_at < $3 order by s.starts_at
  $$;
  create type bench_anchor.slot_row as (id int, starts_at timestamptz, ends_at timestamptz, capacity int, booked int, held int, status text, available int, price bench_anchor.money);
  create function bench_anchor.bench_month_slot_rows(service_id int, "from" timestamptz, "to" timestamptz) returns setof bench_anchor.slot_row language sql stable as $$
    select s.id, s.starts_at, s.ends_at, s.capacity, s.booked, s.held, s.status, ${seatsAvailableSql('s', 'now()')},
           row(round(coalesce(s.price_amount, v.price_amount), ${minorDigitsSql('v.currency')})::text, v.currency)::bench_anchor.money
      from public.slot s join public.service v on v.id = s.service_id
     where s.service_id = $1 and s.starts_at >= $2 and s.starts_at < $3 order by s.starts_at
  $$;
  create type bench_anchor.day_availability as (date date, slot_count int, available_spots int, level text, blackout boolean);
  create function bench_anchor.bench_month_availability(service_id int, month text) returns setof bench_anchor.day_availability language sql stable as $$
    with totals as (
      select s.local_date, count(*)::int as slots, sum(s.capacity)::int as capacity, sum(${seatsAvailableSql('s', 'now()')})::int as seats_available
        from public.slot s where s.service_id = $1 and s.status = 'OPEN'
         and s.local_date between ($2 || '-01')::date and ($2 || '-01')::date + interval '1 month - 1 day'
       group by s.local_date)
    select d::date, coalesce(t.slots, 0), coalesce(t.seats_available, 0), ${levelSql('t.seats_available', 't.capacity')},
           (select ${wholeDayBlackoutSql('v', 'd::date')} from public.service v where v.id = $1)
      from generate_series(($2 || '-01')::date, ($2 || '-01')::date + interval '1 month - 1 day', interval '1 day') d
      left join totals t on t.local_date = d::date
     order by d
  $$;
  create function bench_anchor.bench_month_statement(service_id int, month text) returns setof bench_anchor.day_availability language sql stable as $$
    select m.local_date::date, m.slots, m.seats_available, ${levelSql('m.seats_available', 'm.capacity')}, m.blackout
      from (${monthSql('now()', '$1', "($2 || '-01')::date", "(($2 || '-01')::date + interval '1 month - 1 day')::date")}) m
  $$;`;

export async function installAnchorSchema(db: Pool): Promise<void> {
  await db.query(SCHEMA);
}
