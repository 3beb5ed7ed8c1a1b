import { Migration } from '@mikro-orm/migrations';

/**
 * A booking of separate slots holds the provider's time only where it is booked (README, "Appointments and
 * buffers"): `provider_busy` keeps one row per run of the booking's consecutive slots (each slot widened by
 * its service's buffers, overlapping or touching ones merged), not one from its first start to its last end.
 * The rows follow the booking's status and times, and its slot links (a modification may swap a slot in
 * the middle). Emails carry one invite per run: `message.more_invites` holds those after the first.
 */
export class Migration20261202100000_slot_runs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "message" add column "more_invites" jsonb not null default '[]';`);

    this.addSql(`alter table "provider_busy" drop constraint "provider_busy_pkey";`);
    this.addSql(`create index "provider_busy_booking_id_index" on "provider_busy" ("booking_id");`);
    this.addSql(`drop trigger booking_provider_busy on booking;`);
    this.addSql(`drop function booking_provider_busy();`);
    this.addSql(`
create function hold_provider_time(target int) returns void language plpgsql as $$
declare
  b record;
  svc record;
  freed tstzmultirange;
  taken tstzmultirange := '{}';
  changed record;
begin
  with gone as (delete from provider_busy where booking_id = target returning during)
    select coalesce(range_agg(during), '{}') into freed from gone;
  select v.provider_id, v.capacity, v.buffer_before_minutes as before, v.buffer_after_minutes as after, bk.status, bk.starts_at
    into svc from booking bk join service v on v.id = bk.service_id where bk.id = target;
  if not found then return; end if;
  if svc.capacity = 1 and svc.status in ('PENDING_PAYMENT', 'CONFIRMED') then
    select coalesce(range_agg(tstzrange(s.starts_at - make_interval(mins => svc.before), s.ends_at + make_interval(mins => svc.after))), '{}')
      into taken from booking_slot bs join slot s on s.id = bs.slot_id where bs.booking_id = target;
    begin
      insert into provider_busy (booking_id, provider_id, during) select target, svc.provider_id, r from unnest(taken) as r;
    exception when exclusion_violation then
      raise exception 'PROVIDER_BUSY' using errcode = 'BK005', detail = svc.starts_at::text;
    end;
  end if;
  if freed = taken then return; end if;
  -- Live calendars hear about the provider's other appointment slots this closed or freed (delivered on commit).
  for changed in
    select s.service_id, array_agg(s.id order by s.id) as ids, r.reason
    from (values (freed, 'OPENED'), (taken, 'CLOSED')) as r(during, reason)
    join service v on v.provider_id = svc.provider_id and v.capacity = 1
    join slot s on s.service_id = v.id and s.starts_at > now()
      and tstzrange(s.starts_at - make_interval(mins => v.buffer_before_minutes), s.ends_at + make_interval(mins => v.buffer_after_minutes)) && r.during
    where not isempty(r.during)
    group by s.service_id, r.reason
  loop
    perform pg_notify('live_slots', json_build_object('serviceId', changed.service_id, 'slotIds', changed.ids[1:500], 'reason', changed.reason, 'at', now())::text);
  end loop;
end $$;`);
    this.addSql(`
create function booking_provider_busy() returns trigger language plpgsql as $$
begin
  perform hold_provider_time(new.id);
  return null;
end $$;`);
    this.addSql(`
create function booking_slots_provider_busy() returns trigger language plpgsql as $$
declare
  target int;
begin
  if tg_op = 'INSERT' then
    for target in select distinct booking_id from added order by 1 loop perform hold_provider_time(target); end loop;
  else
    for target in select distinct booking_id from removed order by 1 loop perform hold_provider_time(target); end loop;
  end if;
  return null;
end $$;`);
    // A new booking's slot links are written with it (one statement): the links' trigger holds its time.
    this.addSql(
      `create trigger booking_provider_busy after update of status, starts_at, ends_at on booking for each row execute function booking_provider_busy();`,
    );
    this.addSql(
      `create trigger booking_slot_added_provider_busy after insert on booking_slot referencing new table as added for each statement execute function booking_slots_provider_busy();`,
    );
    this.addSql(
      `create trigger booking_slot_removed_provider_busy after delete on booking_slot referencing old table as removed for each statement execute function booking_slots_provider_busy();`,
    );
    // Live bookings hold only their runs from now on (one whose buffers now meet another's keeps its row as it was).
    this.addSql(`
do $$
declare
  target int;
begin
  for target in select distinct booking_id from provider_busy order by 1 loop
    begin
      perform hold_provider_time(target);
    exception when sqlstate 'BK005' then null;
    end;
  end loop;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger booking_slot_removed_provider_busy on booking_slot;`);
    this.addSql(`drop trigger booking_slot_added_provider_busy on booking_slot;`);
    this.addSql(`drop trigger booking_provider_busy on booking;`);
    this.addSql(`drop function booking_slots_provider_busy();`);
    this.addSql(`drop function booking_provider_busy();`);
    this.addSql(`drop function hold_provider_time(int);`);
    this.addSql(`drop index "provider_busy_booking_id_index";`);
    this.addSql(`alter table "message" drop column "more_invites";`);
  }
}
