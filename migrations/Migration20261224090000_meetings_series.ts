import { Migration } from '@mikro-orm/migrations';

/**
 * Meetings chosen by the customer and recurring bookings (docs/meetings.md, docs/recurring-bookings.md):
 * Whereby and Microsoft Teams meetings, the providers a service lets its customers choose, the provider of
 * each booking's meeting, Whereby rooms per booking, and series of bookings.
 */
export class Migration20261224090000_meetings_series extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "meeting_provider" add value if not exists 'WHEREBY';`);
    this.addSql(`alter type "meeting_provider" add value if not exists 'MICROSOFT_TEAMS';`);
    // Empty: customers get the service's meeting_provider; otherwise they choose one of these.
    this.addSql(`alter table "service" add column "meeting_providers" text[] not null default '{}';`);
    // Every booking names its own meeting provider (the customer's choice, else the service's then).
    this.addSql(`alter table "booking" add column "meeting_provider" "meeting_provider" null;`);
    this.addSql(
      `update "booking" b set "meeting_provider" = s."meeting_provider" from "service" s where s."id" = b."service_id";`,
    );
    this.addSql(`alter table "booking" alter column "meeting_provider" set not null;`);
    this.addSql(
      `create table "whereby_meeting" ("booking_id" int not null, "meeting_id" varchar(64) not null, "room_url" varchar(500) not null, "end_date" timestamptz not null, "updated_at" timestamptz not null, constraint "whereby_meeting_pkey" primary key ("booking_id"));`,
    );
    this.addSql(
      `alter table "whereby_meeting" add constraint "whereby_meeting_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create table "booking_series" ("id" serial primary key, "customer_id" int not null, "service_id" int not null, "interval_weeks" int not null, "occurrences" int not null, "created_at" timestamptz not null, constraint "booking_series_rule_check" check (interval_weeks between 1 and 52 and occurrences between 2 and 52));`,
    );
    this.addSql(
      `alter table "booking_series" add constraint "booking_series_customer_id_foreign" foreign key ("customer_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "booking_series" add constraint "booking_series_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade;`,
    );
    this.addSql(`alter table "booking" add column "series_id" int null;`);
    this.addSql(
      `alter table "booking" add constraint "booking_series_id_foreign" foreign key ("series_id") references "booking_series" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`create index "booking_series_id_index" on "booking" ("series_id") where series_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "booking" drop column "series_id";`);
    this.addSql(`drop table if exists "booking_series" cascade;`);
    this.addSql(`drop table if exists "whereby_meeting" cascade;`);
    this.addSql(`alter table "booking" drop column "meeting_provider";`);
    this.addSql(`alter table "service" drop column "meeting_providers";`);
    // Postgres cannot drop an enum value: WHEREBY and MICROSOFT_TEAMS stay in the type, unused.
  }
}
