import { Migration } from '@mikro-orm/migrations';

/**
 * Calendar syncs say where each booking stands (RETRYING after a failed try, when the next try is due, the
 * ids of its events: one per run of consecutive slots), and a connection says when its busy times cannot
 * be read (README, "Connecting Google Calendar").
 */
export class Migration20261202101000_calendar_state extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "calendar_sync_status" add value if not exists 'RETRYING' after 'PENDING';`);
    this.addSql(
      `alter table "calendar_sync" add column "event_ids" text[] not null default '{}', add column "next_attempt_at" timestamptz null;`,
    );
    this.addSql(
      `update "calendar_sync" set "event_ids" = array["external_event_id"] where "external_event_id" is not null;`,
    );
    this.addSql(
      `alter table "calendar_connection" add column "busy_times_failing" boolean not null default false, add column "busy_times_error" text null, add column "busy_failures" int not null default 0;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "calendar_connection" drop column "busy_times_failing", drop column "busy_times_error", drop column "busy_failures";`,
    );
    this.addSql(`alter table "calendar_sync" drop column "event_ids", drop column "next_attempt_at";`);
  }
}
