import { Migration } from '@mikro-orm/migrations';

/** Google Calendar connections, per-booking sync state, single-use OAuth states, busy intervals. */
export class Migration20261123120000_google_calendar extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "calendar_connection_status" as enum ('ACTIVE', 'NEEDS_REAUTH', 'DISCONNECTED');`);
    this.addSql(
      `create table "calendar_connection" ("id" serial primary key, "provider_id" int not null, "kind" varchar(20) not null default 'google', "account_email" varchar(254) not null, "refresh_token" text null, "calendar_id" varchar(1024) null, "shared_with" text[] not null default '{}', "status" "calendar_connection_status" not null default 'ACTIVE', "blocks_availability" boolean not null default false, "last_synced_at" timestamptz null, "last_error" text null, "busy_read_at" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "calendar_connection_provider_id_index" on "calendar_connection" ("provider_id");`);
    this.addSql(
      `alter table "calendar_connection" add constraint "calendar_connection_provider_id_kind_account_email_unique" unique ("provider_id", "kind", "account_email");`,
    );
    this.addSql(
      `alter table "calendar_connection" add constraint "calendar_connection_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade on delete cascade;`,
    );
    // An active connection always has a token to call Google with.
    this.addSql(
      `alter table "calendar_connection" add constraint "calendar_connection_token_check" check (status <> 'ACTIVE' or refresh_token is not null);`,
    );

    this.addSql(`create type "calendar_sync_status" as enum ('PENDING', 'SYNCED', 'FAILED');`);
    this.addSql(
      `create table "calendar_sync" ("id" serial primary key, "booking_id" int not null, "connection_id" int not null, "status" "calendar_sync_status" not null default 'PENDING', "external_event_id" varchar(1024) null, "attempts" int not null default 0, "last_error" text null, "generation" int not null default 0, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "calendar_sync" add constraint "calendar_sync_booking_id_connection_id_unique" unique ("booking_id", "connection_id");`,
    );
    this.addSql(
      `create index "calendar_sync_connection_id_status_index" on "calendar_sync" ("connection_id", "status");`,
    );
    this.addSql(
      `alter table "calendar_sync" add constraint "calendar_sync_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "calendar_sync" add constraint "calendar_sync_connection_id_foreign" foreign key ("connection_id") references "calendar_connection" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "calendar_sync" add constraint "calendar_sync_attempts_check" check (attempts >= 0);`);

    this.addSql(
      `create table "oauth_state" ("hash" character(64) primary key, "provider_id" int not null, "expires_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "oauth_state" add constraint "oauth_state_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "calendar_busy" ("id" serial primary key, "connection_id" int not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, constraint "calendar_busy_time_check" check (ends_at > starts_at));`,
    );
    this.addSql(
      `create index "calendar_busy_connection_id_starts_at_index" on "calendar_busy" ("connection_id", "starts_at");`,
    );
    this.addSql(
      `alter table "calendar_busy" add constraint "calendar_busy_connection_id_foreign" foreign key ("connection_id") references "calendar_connection" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "calendar_busy" cascade;`);
    this.addSql(`drop table if exists "oauth_state" cascade;`);
    this.addSql(`drop table if exists "calendar_sync" cascade;`);
    this.addSql(`drop type "calendar_sync_status";`);
    this.addSql(`drop table if exists "calendar_connection" cascade;`);
    this.addSql(`drop type "calendar_connection_status";`);
  }
}
