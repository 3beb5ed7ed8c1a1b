import { Migration } from '@mikro-orm/migrations';

/**
 * Per-customer limits of a service, kept by the database: at most `max_active_bookings_per_customer`
 * live (awaiting payment or confirmed) bookings per customer, and no two live bookings of one customer
 * that overlap in time unless the service allows it. A trigger checks them whenever a booking becomes
 * live or moves; it first takes a transaction lock on (customer, service), and its queries then see every
 * booking committed before, so two requests at once cannot both slip under a limit.
 */
export class Migration20261123110500_customer_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "service" add column "max_active_bookings_per_customer" int not null default 0, add column "allow_overlapping_bookings" boolean not null default false;`,
    );
    this.addSql(
      `alter table "service" add constraint "service_max_active_check" check (max_active_bookings_per_customer >= 0);`,
    );
    this.addSql(`
create function booking_customer_limits() returns trigger language plpgsql as $$
declare
  limits record;
begin
  if new.status not in ('PENDING_PAYMENT', 'CONFIRMED') then return new; end if;
  select max_active_bookings_per_customer as max_active, allow_overlapping_bookings as overlap into limits from service where id = new.service_id;
  if limits.max_active = 0 and limits.overlap then return new; end if;
  perform pg_advisory_xact_lock(new.customer_id, new.service_id);
  if limits.max_active > 0 and (select count(*) from booking where customer_id = new.customer_id and service_id = new.service_id
      and status in ('PENDING_PAYMENT', 'CONFIRMED') and id <> new.id) >= limits.max_active then
    raise exception 'MAX_ACTIVE_BOOKINGS' using errcode = 'BK003', detail = limits.max_active::text;
  end if;
  if not limits.overlap and exists (select 1 from booking where customer_id = new.customer_id and service_id = new.service_id
      and status in ('PENDING_PAYMENT', 'CONFIRMED') and id <> new.id and starts_at < new.ends_at and ends_at > new.starts_at) then
    raise exception 'OVERLAPPING_BOOKING' using errcode = 'BK004';
  end if;
  return new;
end $$;`);
    this.addSql(
      `create trigger booking_customer_limits before insert or update of status, starts_at, ends_at on booking for each row execute function booking_customer_limits();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger booking_customer_limits on booking;`);
    this.addSql(`drop function booking_customer_limits();`);
    this.addSql(
      `alter table "service" drop constraint "service_max_active_check", drop column "max_active_bookings_per_customer", drop column "allow_overlapping_bookings";`,
    );
  }
}
