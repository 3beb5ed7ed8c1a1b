import { Migration } from '@mikro-orm/migrations';

/**
 * Holds cannot be hoarded. `booking_policy` (one row, written by each server at start from its HOLD_*
 * settings) caps the unpaid holds (PENDING_PAYMENT bookings) of one customer: bookings and seats (a
 * booking's seats summed over its slots) per service and in all; `hold_release` remembers when a
 * customer's hold on a slot was cancelled or ran out, and a new hold of that slot by that customer waits
 * for the policy's cooldown. `check_hold` is the rule; a trigger applies it to every hold written (a
 * booking, an accepted proposal, a claimed offer, a hold moved to other slots), after the statement's
 * rows are in, under a transaction lock per customer so that holds made at once are counted together;
 * `book` also asks it before starting a card payment, so that a refused hold costs no Stripe call.
 */
export class Migration20261201092000_hold_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "booking_policy" (
      "id" boolean primary key default true check ("id"),
      "bookings_per_service" int not null check ("bookings_per_service" >= 0),
      "seats_per_service" int not null check ("seats_per_service" >= 0),
      "bookings" int not null check ("bookings" >= 0),
      "seats" int not null check ("seats" >= 0),
      "cooldown_seconds" int not null check ("cooldown_seconds" >= 0));`);
    this.addSql(`insert into "booking_policy" values (true, 3, 100, 10, 200, 900);`);
    this.addSql(`create table "hold_release" (
      "customer_id" int not null references "app_user" ("id") on delete cascade,
      "slot_id" int not null references "slot" ("id") on delete cascade,
      "released_at" timestamptz not null,
      primary key ("customer_id", "slot_id"));`);
    this.addSql(
      `create index "booking_holds_index" on "booking" ("customer_id", "service_id") where status = 'PENDING_PAYMENT';`,
    );
    this.addSql(`
create function check_hold(customer int, service int, slots int[], adding_bookings int, adding_seats int, at timestamptz)
returns void language plpgsql as $$
declare
  policy booking_policy;
  held record;
  over record;
  cooled record;
begin
  select * into policy from booking_policy;
  if not found then return; end if;
  select count(distinct b.id) filter (where b.service_id = service) + adding_bookings as service_bookings,
         count(distinct b.id) + adding_bookings as bookings,
         coalesce(sum(bs.seats) filter (where b.service_id = service), 0) + adding_seats as service_seats,
         coalesce(sum(bs.seats), 0) + adding_seats as seats
    into held
    from booking b join booking_slot bs on bs.booking_id = b.id
    where b.customer_id = customer and b.status = 'PENDING_PAYMENT';
  select * into over from (values
      ('BOOKINGS_PER_SERVICE', held.service_bookings, policy.bookings_per_service),
      ('SEATS_PER_SERVICE', held.service_seats, policy.seats_per_service),
      ('BOOKINGS', held.bookings, policy.bookings),
      ('SEATS', held.seats, policy.seats)) as cap(name, held, allowed)
    where cap.allowed > 0 and cap.held > cap.allowed limit 1;
  if found then
    raise exception 'HOLD_LIMIT' using errcode = 'BK006', detail = over.name, hint = over.allowed::text;
  end if;
  select r.slot_id, r.released_at + make_interval(secs => policy.cooldown_seconds) as until into cooled
    from hold_release r
    where r.customer_id = customer and r.slot_id = any(slots)
      and r.released_at + make_interval(secs => policy.cooldown_seconds) > at
    order by r.released_at desc limit 1;
  if found then
    raise exception 'HOLD_COOLDOWN' using errcode = 'BK007', detail = cooled.slot_id::text,
      hint = ceil(extract(epoch from cooled.until - at))::text;
  end if;
end $$;`);
    this.addSql(`
create function booking_hold_limits() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(new.customer_id, 0); -- (customer, 0): the per-service limits lock (customer, service id >= 1)
  -- A new hold waits for the cooldown (at its creation, the server's clock); a hold moved to other slots
  -- keeps its expiry, so it renews nothing and only the caps apply to it.
  perform check_hold(new.customer_id, new.service_id, array(select slot_id from booking_slot where booking_id = new.id),
    0, 0, case when tg_op = 'INSERT' then new.created_at else '-infinity' end);
  return null;
end $$;`);
    this.addSql(
      `create trigger booking_hold_limits after insert or update of status, starts_at, ends_at, adults, children, infants on "booking" for each row when (new.status = 'PENDING_PAYMENT') execute function booking_hold_limits();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger booking_hold_limits on "booking";`);
    this.addSql(`drop function booking_hold_limits();`);
    this.addSql(`drop function check_hold(int, int, int[], int, int, timestamptz);`);
    this.addSql(`drop index "booking_holds_index";`);
    this.addSql(`drop table "hold_release";`);
    this.addSql(`drop table "booking_policy";`);
  }
}
