import { Migration } from '@mikro-orm/migrations';

export class Migration20261121065627_waitlist extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "waitlist_status" as enum ('ACTIVE', 'OFFERED', 'CONVERTED', 'EXPIRED', 'CANCELLED');`);
    this.addSql(
      `create table "waitlist_entry" ("id" serial primary key, "service_id" int not null, "customer_id" int not null, "slot_id" int null, "date" date null, "party_size" int not null, "priority" int not null default 0, "status" "waitlist_status" not null default 'ACTIVE', "offered_slot_id" int null, "offer_expires_at" timestamptz null, "booking_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint waitlist_entry_party_check check (party_size > 0), constraint waitlist_entry_target_check check ((slot_id is null) <> (date is null)));`,
    );
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_booking_id_unique" unique ("booking_id");`,
    );
    this.addSql(
      `create index "waitlist_entry_customer_id_created_at_index" on "waitlist_entry" ("customer_id", "created_at");`,
    );
    this.addSql(
      `create index "waitlist_entry_service_id_date_status_index" on "waitlist_entry" ("service_id", "date", "status");`,
    );
    this.addSql(`create index "waitlist_entry_slot_id_status_index" on "waitlist_entry" ("slot_id", "status");`);
    this.addSql(
      `create unique index "waitlist_entry_live_date_unique" on "waitlist_entry" ("customer_id", "service_id", "date") where "status" in ('ACTIVE', 'OFFERED') and "date" is not null;`,
    );
    this.addSql(
      `create unique index "waitlist_entry_live_slot_unique" on "waitlist_entry" ("customer_id", "slot_id") where "status" in ('ACTIVE', 'OFFERED') and "slot_id" is not null;`,
    );

    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_customer_id_foreign" foreign key ("customer_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_slot_id_foreign" foreign key ("slot_id") references "slot" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_offered_slot_id_foreign" foreign key ("offered_slot_id") references "slot" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "waitlist_entry" add constraint "waitlist_entry_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "waitlist_entry" cascade;`);

    this.addSql(`drop type "waitlist_status";`);
  }
}
