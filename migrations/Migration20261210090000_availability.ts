import { Migration } from '@mikro-orm/migrations';

/**
 * Availability (README, "Working hours, part-day blocks and the availability check"): schedules made of
 * working hours split into slots, part-day and inactive blackouts and an admin's global ones (no provider),
 * and a waitlist entry's contact and notes.
 */
export class Migration20261210090000_availability extends Migration {
  override async up(): Promise<void> {
    // end_time set: working hours from start_time to end_time less the breaks, a slot every slot_minutes.
    this.addSql(
      `alter table "schedule" add column "end_time" varchar(5) null, add column "slot_minutes" int null, add column "breaks" jsonb null;`,
    );
    this.addSql(
      `alter table "schedule" add constraint "schedule_working_hours_check" check ((end_time is null) = (slot_minutes is null) and (end_time is null or (end_time > start_time and slot_minutes between 5 and 1440)) and (breaks is null or end_time is not null));`,
    );
    this.addSql(
      `alter table "blackout" add column "all_day" boolean not null default true, add column "start_time" time null, add column "end_time" time null, add column "active" boolean not null default true;`,
    );
    this.addSql(
      `alter table "blackout" add constraint "blackout_times_check" check (case when all_day then start_time is null and end_time is null else end_time > start_time end);`,
    );
    // No provider: a global blackout (an admin's), which covers every service and so names none.
    this.addSql(`alter table "blackout" alter column "provider_id" drop not null;`);
    this.addSql(
      `alter table "blackout" add constraint "blackout_scope_check" check (provider_id is not null or service_id is null);`,
    );
    this.addSql(
      `create index "blackout_global_index" on "blackout" ("starts_on", "ends_on") where provider_id is null;`,
    );
    this.addSql(`alter table "waitlist_entry" add column "contact" jsonb null, add column "notes" text null;`);
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_contact_check" check (contact is null or (jsonb_typeof(contact->'name') = 'string' and jsonb_typeof(contact->'email') = 'string'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "waitlist_entry" drop constraint "waitlist_entry_contact_check", drop column "contact", drop column "notes";`,
    );
    this.addSql(`drop index "blackout_global_index";`);
    this.addSql(`delete from "blackout" where provider_id is null;`);
    this.addSql(`alter table "blackout" drop constraint "blackout_scope_check";`);
    this.addSql(`alter table "blackout" alter column "provider_id" set not null;`);
    this.addSql(
      `alter table "blackout" drop constraint "blackout_times_check", drop column "all_day", drop column "start_time", drop column "end_time", drop column "active";`,
    );
    this.addSql(
      `alter table "schedule" drop constraint "schedule_working_hours_check", drop column "end_time", drop column "slot_minutes", drop column "breaks";`,
    );
  }
}
