-- The database's own functions and triggers as the migrations leave them, written by `npm run schema:db`:
-- to read and review, not to run or edit. test/db-functions.test.ts fails while it is not current.

-- Functions

CREATE OR REPLACE FUNCTION public.announce_session_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  -- tg_argv[0]: the column naming the account (session.user_id, app_user.id).
  perform pg_notify('session_changed', to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
  return null;
end $function$;

CREATE OR REPLACE FUNCTION public.booking_customer_limits()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
declare
  limits record;
begin
  if new.status not in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION', 'CONFIRMED') then return new; end if;
  select max_active_bookings_per_customer as max_active, allow_overlapping_bookings as overlap into limits from service where id = new.service_id;
  if limits.max_active = 0 and limits.overlap then return new; end if;
  perform pg_advisory_xact_lock(new.customer_id, new.service_id);
  if limits.max_active > 0 and (select count(*) from booking where customer_id = new.customer_id and service_id = new.service_id
      and status in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION', 'CONFIRMED') and id <> new.id) >= limits.max_active then
    raise exception 'MAX_ACTIVE_BOOKINGS' using errcode = 'BK003', detail = limits.max_active::text;
  end if;
  if not limits.overlap and exists (select 1 from booking where customer_id = new.customer_id and service_id = new.service_id
      and status in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION', 'CONFIRMED') and id <> new.id and starts_at < new.ends_at and ends_at > new.starts_at) then
    raise exception 'OVERLAPPING_BOOKING' using errcode = 'BK004';
  end if;
  return new;
end $function$;

CREATE OR REPLACE FUNCTION public.booking_guest_limit()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
declare
  allowed int;
  own text;
  named record;
begin
  select guest_addresses_per_day into allowed from booking_policy;
  select email into own from app_user where id = new.customer_id;
  if coalesce(allowed, 0) = 0 or new.contact ->> 'email' = own then return null; end if;
  perform pg_advisory_xact_lock(new.customer_id, -1); -- (customer, -1): not a service id, not the holds' 0
  select count(*) as addresses, min(last_named) as oldest into named from (
    select max(created_at) as last_named from booking
      where customer_id = new.customer_id and contact ->> 'email' is not null and contact ->> 'email' <> own
        and created_at > new.created_at - interval '1 day'
      group by contact ->> 'email') as recent;
  if named.addresses > allowed then
    raise exception 'GUEST_ADDRESSES' using errcode = 'BK008', detail = allowed::text,
      hint = greatest(1, ceil(extract(epoch from named.oldest + interval '1 day' - new.created_at)))::text;
  end if;
  return null;
end $function$;

CREATE OR REPLACE FUNCTION public.booking_hold_limits()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform pg_advisory_xact_lock(new.customer_id, 0); -- (customer, 0): the per-service limits lock (customer, service id >= 1)
  -- A new hold waits for the cooldown (at its creation, the server's clock); a hold moved to other slots
  -- keeps its expiry, so it renews nothing and only the caps apply to it.
  perform check_hold(new.customer_id, new.service_id, array(select slot_id from booking_slot where booking_id = new.id),
    0, 0, case when tg_op = 'INSERT' then new.created_at else '-infinity' end);
  return null;
end $function$;

CREATE OR REPLACE FUNCTION public.booking_provider_busy()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform hold_provider_time(new.id);
  return null;
end $function$;

CREATE OR REPLACE FUNCTION public.booking_slots_provider_busy()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
declare
  target int;
begin
  if tg_op = 'INSERT' then
    for target in select distinct booking_id from added order by 1 loop perform hold_provider_time(target); end loop;
  else
    for target in select distinct booking_id from removed order by 1 loop perform hold_provider_time(target); end loop;
  end if;
  return null;
end $function$;

CREATE OR REPLACE FUNCTION public.check_hold(customer integer, service integer, slots integer[], adding_bookings integer, adding_seats integer, at timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
    where b.customer_id = customer and b.status in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION');
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
end $function$;

CREATE OR REPLACE FUNCTION public.hold_provider_time(target integer)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
  if svc.capacity = 1 and svc.status in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION', 'CONFIRMED') then
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
end $function$;

CREATE OR REPLACE FUNCTION public.review_rules()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  if tg_op = 'INSERT' then
    if not exists (select 1 from booking b join service s on s.id = b.service_id
        where b.id = new.booking_id and b.status = 'COMPLETED' and b.customer_id = new.author_id
          and b.service_id = new.service_id and s.provider_id = new.provider_id) then
      raise exception 'a review needs a COMPLETED booking of its author, service and provider' using errcode = '23514';
    end if;
  elsif old.reply is not null and new.reply is distinct from old.reply then
    raise exception 'a review takes one reply' using errcode = '23514';
  end if;
  return new;
end $function$;

CREATE OR REPLACE FUNCTION public.take_seats(p_ids integer[], p_held integer[], p_booked integer[])
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
declare
  i int;
  current_status text;
  changed jsonb := '[]';
  counters record;
begin
  -- Slots are updated in id order so that two transactions never wait on each other in a cycle; an
  -- increase succeeds only on an open slot with room, and the slot's CHECK stays the last word.
  for i in select u.ord from unnest(p_ids) with ordinality as u(id, ord) order by u.id loop
    if p_held[i] + p_booked[i] > 0 then
      update slot set held = held + p_held[i], booked = booked + p_booked[i]
        where id = p_ids[i] and status = 'OPEN' and booked + held + p_held[i] + p_booked[i] <= capacity
        returning id, booked, held into counters;
    else
      update slot set held = held + p_held[i], booked = booked + p_booked[i] where id = p_ids[i]
        returning id, booked, held into counters;
    end if;
    if not found then
      select status::text into current_status from slot where id = p_ids[i];
      if current_status is distinct from 'OPEN' then
        raise exception 'SLOT_UNAVAILABLE' using errcode = 'BK001', detail = p_ids[i]::text, hint = coalesce(current_status, 'MISSING');
      end if;
      raise exception 'CAPACITY_EXCEEDED' using errcode = 'BK002', detail = p_ids[i]::text;
    end if;
    changed := changed || jsonb_build_object('id', counters.id, 'booked', counters.booked, 'held', counters.held);
  end loop;
  -- The new counters, so that the answer shows the committed seats.
  return changed;
end $function$;

CREATE OR REPLACE FUNCTION public.use_promo_code(p_id integer, p_at timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
declare
  used int;
begin
  update promo_code set uses = uses + 1
   where id = p_id and active and (valid_from is null or valid_from <= p_at) and (valid_until is null or p_at < valid_until)
     and (max_uses is null or uses < max_uses)
  returning uses into used;
  if used is null then
    raise exception 'PROMO_CODE_UNAVAILABLE' using errcode = 'BK009', detail = p_id::text;
  end if;
  return used;
end $function$;

-- Triggers

CREATE TRIGGER account_changed AFTER UPDATE OF role, deactivated_at ON app_user FOR EACH ROW WHEN (old.role IS DISTINCT FROM new.role OR old.deactivated_at IS DISTINCT FROM new.deactivated_at) EXECUTE FUNCTION announce_session_change('id');

CREATE TRIGGER account_deleted AFTER DELETE ON app_user FOR EACH ROW EXECUTE FUNCTION announce_session_change('id');

CREATE TRIGGER booking_customer_limits BEFORE INSERT OR UPDATE OF status, starts_at, ends_at ON booking FOR EACH ROW EXECUTE FUNCTION booking_customer_limits();

CREATE TRIGGER booking_guest_limit AFTER INSERT ON booking FOR EACH ROW WHEN ((new.contact ->> 'email'::text) IS NOT NULL) EXECUTE FUNCTION booking_guest_limit();

CREATE TRIGGER booking_hold_limits AFTER INSERT OR UPDATE OF status, starts_at, ends_at, adults, children, infants ON booking FOR EACH ROW WHEN (new.status::text = ANY (ARRAY['PENDING_PAYMENT'::text, 'PENDING_CONFIRMATION'::text])) EXECUTE FUNCTION booking_hold_limits();

CREATE TRIGGER booking_provider_busy AFTER UPDATE OF status, starts_at, ends_at ON booking FOR EACH ROW EXECUTE FUNCTION booking_provider_busy();

CREATE TRIGGER booking_slot_added_provider_busy AFTER INSERT ON booking_slot REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION booking_slots_provider_busy();

CREATE TRIGGER booking_slot_removed_provider_busy AFTER DELETE ON booking_slot REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION booking_slots_provider_busy();

CREATE TRIGGER review_rules BEFORE INSERT OR UPDATE OF reply ON review FOR EACH ROW EXECUTE FUNCTION review_rules();

CREATE TRIGGER session_deleted AFTER DELETE ON session FOR EACH ROW EXECUTE FUNCTION announce_session_change('user_id');

CREATE TRIGGER session_revoked AFTER UPDATE OF revoked_at ON session FOR EACH ROW WHEN (old.revoked_at IS DISTINCT FROM new.revoked_at) EXECUTE FUNCTION announce_session_change('user_id');
