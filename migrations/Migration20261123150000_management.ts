import { Migration } from '@mikro-orm/migrations';

/**
 * Management and one provider's time (README, "Appointments and buffers"): service buffers, a cancelled
 * slot's reason, a booking's contact, needs and cancellation reason, and `provider_busy`, one row per live
 * booking of a capacity-1 service holding the provider's time widened by the service's buffers. Its
 * EXCLUDE constraint is the last word on overlaps: two transactions writing overlapping intervals of one
 * provider wait for each other and the second fails, so the provider is never booked twice at once.
 */
export class Migration20261123150000_management extends Migration {
  override async up(): Promise<void> {
    // btree_gist lets one GiST index compare the provider id with = and the interval with &&.
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(
      `alter table "service" add column "buffer_before_minutes" int not null default 0, add column "buffer_after_minutes" int not null default 0;`,
    );
    this.addSql(
      `alter table "service" add constraint "service_buffers_check" check (buffer_before_minutes between 0 and 1440 and buffer_after_minutes between 0 and 1440);`,
    );
    this.addSql(`alter table "slot" add column "cancellation_reason" text null;`);
    this.addSql(
      `alter table "slot" add constraint "slot_cancellation_reason_check" check (cancellation_reason is null or status = 'CANCELLED');`,
    );
    this.addSql(
      `alter table "booking" add column "contact" jsonb null, add column "dietary_restrictions" text null, add column "accessibility_needs" text null, add column "cancellation_reason" text null;`,
    );
    this.addSql(
      `alter table "booking" add constraint "booking_contact_check" check (contact is null or (jsonb_typeof(contact->'name') = 'string' and jsonb_typeof(contact->'email') = 'string'));`,
    );
    this.addSql(`
create table "provider_busy" (
  "booking_id" int primary key references "booking" ("id") on delete cascade,
  "provider_id" int not null references "provider" ("id") on delete cascade,
  "during" tstzrange not null,
  constraint "provider_busy_no_overlap" exclude using gist ("provider_id" with =, "during" with &&)
);`);
    this.addSql(`
create function booking_provider_busy() returns trigger language plpgsql as $$
declare
  svc record;
  freed tstzrange;
  taken tstzrange;
  changed record;
begin
  select provider_id, capacity, buffer_before_minutes as before, buffer_after_minutes as after into svc from service where id = new.service_id;
  delete from provider_busy where booking_id = new.id returning during into freed;
  if svc.capacity = 1 and new.status in ('PENDING_PAYMENT', 'CONFIRMED') then
    taken := tstzrange(new.starts_at - make_interval(mins => svc.before), new.ends_at + make_interval(mins => svc.after));
    begin
      insert into provider_busy (booking_id, provider_id, during) values (new.id, svc.provider_id, taken);
    exception when exclusion_violation then
      raise exception 'PROVIDER_BUSY' using errcode = 'BK005', detail = new.starts_at::text;
    end;
  end if;
  if freed is not distinct from taken then return null; end if;
  -- Live calendars hear about the provider's other appointment slots this closed or freed (delivered on commit).
  for changed in
    select s.service_id, array_agg(s.id order by s.id) as ids, r.reason
    from (values (freed, 'OPENED'), (taken, 'CLOSED')) as r(during, reason)
    join service v on v.provider_id = svc.provider_id and v.capacity = 1
    join slot s on s.service_id = v.id and s.starts_at > now()
      and tstzrange(s.starts_at - make_interval(mins => v.buffer_before_minutes), s.ends_at + make_interval(mins => v.buffer_after_minutes)) && r.during
    where r.during is not null
    group by s.service_id, r.reason
  loop
    perform pg_notify('live_slots', json_build_object('serviceId', changed.service_id, 'slotIds', changed.ids[1:500], 'reason', changed.reason, 'at', now())::text);
  end loop;
  return null;
end $$;`);
    // Bookings already live hold their time from now on; of two that overlap already, the older keeps it.
    this.addSql(`insert into provider_busy (booking_id, provider_id, during)
      select b.id, v.provider_id, tstzrange(b.starts_at, b.ends_at) from booking b join service v on v.id = b.service_id
      where v.capacity = 1 and b.status in ('PENDING_PAYMENT', 'CONFIRMED') order by b.id on conflict do nothing;`);
    this.addSql(
      `create trigger booking_provider_busy after insert or update of status, starts_at, ends_at on booking for each row execute function booking_provider_busy();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger booking_provider_busy on booking;`);
    this.addSql(`drop function booking_provider_busy();`);
    this.addSql(`drop table "provider_busy";`);
    this.addSql(
      `alter table "booking" drop constraint "booking_contact_check", drop column "contact", drop column "dietary_restrictions", drop column "accessibility_needs", drop column "cancellation_reason";`,
    );
    this.addSql(
      `alter table "slot" drop constraint "slot_cancellation_reason_check", drop column "cancellation_reason";`,
    );
    this.addSql(
      `alter table "service" drop constraint "service_buffers_check", drop column "buffer_before_minutes", drop column "buffer_after_minutes";`,
    );
  }
}
