import { Migration } from '@mikro-orm/migrations';

export class Migration20261121052953 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type "booking_status" as enum ('PENDING_PAYMENT', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'COMPLETED', 'NO_SHOW', 'REFUNDED');`,
    );
    this.addSql(
      `create table "booking" ("id" serial primary key, "reference" varchar(20) not null, "service_id" int not null, "customer_id" int not null, "status" "booking_status" not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "adults" int not null, "children" int not null default 0, "infants" int not null default 0, "subtotal" numeric(14,4) not null, "discount" numeric(14,4) not null default '0', "tax" numeric(14,4) not null, "total" numeric(14,4) not null, "currency" varchar(3) not null, "refunded_amount" numeric(14,4) null, "hold_expires_at" timestamptz null, "meeting_url" varchar(500) null, "notes" text null, "special_requirements" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint booking_party_check check (adults >= 1 and children >= 0 and infants >= 0));`,
    );
    this.addSql(`alter table "booking" add constraint "booking_reference_unique" unique ("reference");`);
    this.addSql(`create index "booking_service_id_starts_at_index" on "booking" ("service_id", "starts_at");`);
    this.addSql(`create index "booking_customer_id_starts_at_index" on "booking" ("customer_id", "starts_at");`);

    this.addSql(
      `create table "booking_slot" ("id" serial primary key, "booking_id" int not null, "slot_id" int not null, "seats" int not null, "unit_price" numeric(14,4) not null);`,
    );
    this.addSql(`create index "booking_slot_slot_id_index" on "booking_slot" ("slot_id");`);
    this.addSql(
      `alter table "booking_slot" add constraint "booking_slot_booking_id_slot_id_unique" unique ("booking_id", "slot_id");`,
    );

    this.addSql(
      `create table "audit_entry" ("id" serial primary key, "booking_id" int not null, "action" varchar(50) not null, "actor_id" int null, "before" jsonb null, "after" jsonb null, "reason" text null, "ip" varchar(64) null, "user_agent" varchar(500) null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "audit_entry_booking_id_index" on "audit_entry" ("booking_id");`);

    this.addSql(
      `alter table "booking" add constraint "booking_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "booking" add constraint "booking_customer_id_foreign" foreign key ("customer_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "booking_slot" add constraint "booking_slot_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "booking_slot" add constraint "booking_slot_slot_id_foreign" foreign key ("slot_id") references "slot" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "booking_slot" drop constraint "booking_slot_booking_id_foreign";`);

    this.addSql(`alter table "audit_entry" drop constraint "audit_entry_booking_id_foreign";`);

    this.addSql(`drop table if exists "booking" cascade;`);

    this.addSql(`drop table if exists "booking_slot" cascade;`);

    this.addSql(`drop table if exists "audit_entry" cascade;`);

    this.addSql(`drop type "booking_status";`);
  }
}
