import { Migration } from '@mikro-orm/migrations';

/**
 * The lean booking core: `take_seats` changes seat counters slot by slot in id order (the one lock order
 * of every seat change), answers the new counters, and refuses with a named error; waitlist entries keep the party they were priced for.
 */
export class Migration20261123070000_core extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function take_seats(p_ids int[], p_held int[], p_booked int[]) returns jsonb language plpgsql as $$
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
end $$;`);
    this.addSql(
      `alter table "waitlist_entry" add column "adults" int null, add column "children" int null, add column "infants" int null;`,
    );
    this.addSql(`update "waitlist_entry" set "adults" = "party_size", "children" = 0, "infants" = 0;`);
    this.addSql(
      `alter table "waitlist_entry" alter column "adults" set not null, alter column "children" set not null, alter column "infants" set not null;`,
    );
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_party_parts_check" check (adults >= 1 and children >= 0 and infants >= 0 and adults + children + infants = party_size);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "waitlist_entry" drop constraint "waitlist_entry_party_parts_check", drop column "adults", drop column "children", drop column "infants";`,
    );
    this.addSql(`drop function take_seats(int[], int[], int[]);`);
  }
}
