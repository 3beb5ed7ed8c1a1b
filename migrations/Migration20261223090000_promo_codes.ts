import { Migration } from '@mikro-orm/migrations';

/**
 * Promo codes (docs/promo-codes.md): a provider's codes, for one service or all of its services, and the
 * function that counts a use inside the statement that writes the booking, so that concurrent bookings
 * never use a code more often than its maximum.
 */
export class Migration20261223090000_promo_codes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "promo_code" (
      "id" serial primary key,
      "provider_id" int not null references "provider" ("id") on update cascade on delete cascade,
      "service_id" int null references "service" ("id") on update cascade on delete cascade,
      "code" varchar(40) not null,
      "kind" varchar(10) not null,
      "value" numeric(14,4) not null,
      "valid_from" timestamptz null,
      "valid_until" timestamptz null,
      "max_uses" int null,
      "uses" int not null default 0,
      "active" boolean not null default true,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "promo_code_kind_check" check (kind in ('PERCENT', 'FIXED') and value > 0 and (kind <> 'PERCENT' or value <= 100)),
      constraint "promo_code_window_check" check (valid_from is null or valid_until is null or valid_until > valid_from),
      constraint "promo_code_uses_check" check (uses >= 0 and (max_uses is null or max_uses >= 1)));`);
    this.addSql(
      `create unique index "promo_code_provider_code_unique" on "promo_code" ("provider_id", upper("code"));`,
    );
    // One use more, or BK009 when the code is no longer valid or used up: the row lock orders concurrent uses.
    this.addSql(`create function use_promo_code(p_id int, p_at timestamptz) returns int language plpgsql as $$
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
end $$;`);
    this.addSql(`alter table "audit_entry" drop constraint "audit_entry_subject_check";`);
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_subject_check" check (subject_type in ('booking', 'proposal', 'waitlist_entry', 'service', 'schedule', 'slot', 'promo_code') and (booking_id is not null) = (subject_type = 'booking') and (booking_id is null or booking_id = subject_id));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "audit_entry" where subject_type = 'promo_code';`);
    this.addSql(`alter table "audit_entry" drop constraint "audit_entry_subject_check";`);
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_subject_check" check (subject_type in ('booking', 'proposal', 'waitlist_entry', 'service', 'schedule', 'slot') and (booking_id is not null) = (subject_type = 'booking') and (booking_id is null or booking_id = subject_id));`,
    );
    this.addSql(`drop function use_promo_code(int, timestamptz);`);
    this.addSql(`drop table "promo_code";`);
  }
}
