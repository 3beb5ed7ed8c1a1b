import { Migration } from '@mikro-orm/migrations';

export class Migration20261121050849 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "role" as enum ('ADMIN', 'PROVIDER', 'CUSTOMER');`);
    this.addSql(`create type "booking_mode" as enum ('INSTANT', 'APPROVAL');`);
    this.addSql(`create type "meeting_provider" as enum ('NONE', 'JITSI', 'GOOGLE_MEET');`);
    this.addSql(`create type "slot_status" as enum ('OPEN', 'CLOSED', 'CANCELLED');`);
    this.addSql(`create type "blackout_kind" as enum ('HOLIDAY', 'MAINTENANCE', 'WEATHER', 'CUSTOM');`);
    this.addSql(
      `create table "app_user" ("id" serial primary key, "email" varchar(254) not null, "password_hash" varchar(255) not null, "name" varchar(200) not null, "role" "role" not null, "timezone" varchar(64) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(
      `create table "provider" ("id" serial primary key, "user_id" int not null, "name" varchar(200) not null, "bio" text null);`,
    );
    this.addSql(`alter table "provider" add constraint "provider_user_id_unique" unique ("user_id");`);

    this.addSql(
      `create table "service" ("id" serial primary key, "provider_id" int not null, "name" varchar(200) not null, "description" text null, "category" varchar(100) null, "timezone" varchar(64) not null, "duration_minutes" int not null, "capacity" int not null, "price_amount" numeric(14,4) not null, "currency" varchar(3) not null, "child_rate_value" numeric(6,4) not null default '1', "infant_rate_value" numeric(6,4) not null default '0', "tax_rate_value" numeric(6,4) not null default '0', "booking_mode" "booking_mode" not null default 'INSTANT', "requires_payment" boolean not null default false, "min_party_size" int not null default 1, "max_party_size" int not null, "cutoff_hours" int not null default 0, "advance_days" int not null default 365, "meeting_provider" "meeting_provider" not null default 'NONE', "active" boolean not null default true, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "service_provider_id_index" on "service" ("provider_id");`);

    this.addSql(
      `create table "schedule" ("id" serial primary key, "service_id" int not null, "name" varchar(200) null, "rrule" varchar(500) not null, "start_time" varchar(5) not null, "duration_minutes" int not null, "capacity" int not null, "price_amount" numeric(14,4) null, "valid_from" date not null, "valid_until" date null, "active" boolean not null default true, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "schedule_service_id_index" on "schedule" ("service_id");`);

    this.addSql(
      `create table "slot" ("id" serial primary key, "service_id" int not null, "schedule_id" int null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "local_date" date not null, "capacity" int not null, "booked" int not null default 0, "held" int not null default 0, "status" "slot_status" not null default 'OPEN', "price_amount" numeric(14,4) null, constraint slot_time_check check (ends_at > starts_at), constraint slot_capacity_check check (capacity > 0), constraint slot_seats_check check (booked >= 0 and held >= 0 and booked + held <= capacity));`,
    );
    this.addSql(`create index "slot_service_id_local_date_index" on "slot" ("service_id", "local_date");`);
    this.addSql(
      `alter table "slot" add constraint "slot_service_id_starts_at_unique" unique ("service_id", "starts_at");`,
    );

    this.addSql(
      `create table "blackout" ("id" serial primary key, "provider_id" int not null, "service_id" int null, "starts_on" date not null, "ends_on" date not null, "kind" "blackout_kind" not null, "name" varchar(200) not null, "description" text null, "created_at" timestamptz not null, constraint blackout_dates_check check (ends_on >= starts_on));`,
    );
    this.addSql(
      `create index "blackout_provider_id_starts_on_ends_on_index" on "blackout" ("provider_id", "starts_on", "ends_on");`,
    );

    this.addSql(
      `alter table "provider" add constraint "provider_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "service" add constraint "service_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "schedule" add constraint "schedule_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "slot" add constraint "slot_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "slot" add constraint "slot_schedule_id_foreign" foreign key ("schedule_id") references "schedule" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "blackout" add constraint "blackout_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "blackout" add constraint "blackout_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "provider" drop constraint "provider_user_id_foreign";`);

    this.addSql(`alter table "service" drop constraint "service_provider_id_foreign";`);

    this.addSql(`alter table "blackout" drop constraint "blackout_provider_id_foreign";`);

    this.addSql(`alter table "schedule" drop constraint "schedule_service_id_foreign";`);

    this.addSql(`alter table "slot" drop constraint "slot_service_id_foreign";`);

    this.addSql(`alter table "blackout" drop constraint "blackout_service_id_foreign";`);

    this.addSql(`alter table "slot" drop constraint "slot_schedule_id_foreign";`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "provider" cascade;`);

    this.addSql(`drop table if exists "service" cascade;`);

    this.addSql(`drop table if exists "schedule" cascade;`);

    this.addSql(`drop table if exists "slot" cascade;`);

    this.addSql(`drop table if exists "blackout" cascade;`);

    this.addSql(`drop type "role";`);
    this.addSql(`drop type "booking_mode";`);
    this.addSql(`drop type "meeting_provider";`);
    this.addSql(`drop type "slot_status";`);
    this.addSql(`drop type "blackout_kind";`);
  }
}
