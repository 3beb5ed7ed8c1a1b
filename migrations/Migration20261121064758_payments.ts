import { Migration } from '@mikro-orm/migrations';

export class Migration20261121064758_payments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type "payment_status" as enum ('REQUIRES_ACTION', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'REFUNDED');`,
    );
    this.addSql(`create type "refund_status" as enum ('PENDING', 'SUCCEEDED', 'FAILED');`);
    this.addSql(
      `create table "stripe_event" ("id" varchar(255) not null, "type" varchar(100) not null, "payload" jsonb not null, "received_at" timestamptz not null, "processed_at" timestamptz null, "outcome" varchar(200) null, constraint "stripe_event_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "payment" ("id" serial primary key, "payer_id" int not null, "status" "payment_status" not null, "amount" numeric(14,4) not null, "currency" varchar(3) not null, "refunded_amount" numeric(14,4) not null default '0', "intent_id" varchar(255) not null, "client_secret" varchar(500) null, "provider" varchar(20) not null default 'stripe', "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "payment" add constraint "payment_intent_id_unique" unique ("intent_id");`);

    this.addSql(
      `create table "refund" ("id" serial primary key, "payment_id" int not null, "amount" numeric(14,4) not null, "status" "refund_status" not null default 'PENDING', "stripe_refund_id" varchar(255) null, "last_error" text null, "created_at" timestamptz not null);`,
    );

    this.addSql(
      `alter table "payment" add constraint "payment_payer_id_foreign" foreign key ("payer_id") references "app_user" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "refund" add constraint "refund_payment_id_foreign" foreign key ("payment_id") references "payment" ("id") on update cascade;`,
    );

    this.addSql(`alter table "booking" add column "payment_id" int null;`);
    this.addSql(
      `alter table "booking" add constraint "booking_payment_id_foreign" foreign key ("payment_id") references "payment" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`alter table "booking" add constraint "booking_payment_id_unique" unique ("payment_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "refund" drop constraint "refund_payment_id_foreign";`);

    this.addSql(`alter table "booking" drop constraint "booking_payment_id_foreign";`);

    this.addSql(`drop table if exists "stripe_event" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "refund" cascade;`);

    this.addSql(`alter table "booking" drop constraint "booking_payment_id_unique";`);
    this.addSql(`alter table "booking" drop column "payment_id";`);

    this.addSql(`drop type "payment_status";`);
    this.addSql(`drop type "refund_status";`);
  }
}
