import { Migration } from '@mikro-orm/migrations';

/** Outgoing webhooks and their delivery log, idempotency keys of HTTP mutations, and counter-proposals. */
export class Migration20261123110000_integrations extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_endpoint" ("id" serial primary key, "provider_id" int null, "url" varchar(2000) not null, "events" text[] not null, "secret" text not null, "active" boolean not null default true, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "webhook_endpoint_provider_id_index" on "webhook_endpoint" ("provider_id");`);
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`create type "webhook_delivery_status" as enum ('PENDING', 'DELIVERED', 'FAILED');`);
    this.addSql(
      `create table "webhook_delivery" ("id" serial primary key, "endpoint_id" int not null, "event_id" uuid not null, "event" varchar(40) not null, "payload" jsonb not null, "status" "webhook_delivery_status" not null default 'PENDING', "attempts" int not null default 0, "response_status" int null, "last_error" text null, "created_at" timestamptz not null, "delivered_at" timestamptz null);`,
    );
    this.addSql(
      `create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "webhook_attempt" ("id" serial primary key, "delivery_id" int not null, "at" timestamptz not null, "response_status" int null, "error" text null, "duration_ms" int not null);`,
    );
    this.addSql(`create index "webhook_attempt_delivery_id_index" on "webhook_attempt" ("delivery_id");`);
    this.addSql(
      `alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "idempotency_key" ("caller" varchar(100) not null, "key" varchar(255) not null, "fingerprint" char(64) not null, "status_code" int null, "body" text null, "created_at" timestamptz not null, constraint "idempotency_key_pkey" primary key ("caller", "key"));`,
    );
    this.addSql(`create index "idempotency_key_created_at_index" on "idempotency_key" ("created_at");`);

    this.addSql(`alter type "proposal_status" add value 'COUNTERED';`);
    this.addSql(`alter table "proposal" add column "counter_message" text null;`);
    this.addSql(
      `create table "proposal_counter_slot" ("proposal_id" int not null, "slot_id" int not null, constraint "proposal_counter_slot_pkey" primary key ("proposal_id", "slot_id"));`,
    );
    this.addSql(
      `alter table "proposal_counter_slot" add constraint "proposal_counter_slot_proposal_id_foreign" foreign key ("proposal_id") references "proposal" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "proposal_counter_slot" add constraint "proposal_counter_slot_slot_id_foreign" foreign key ("slot_id") references "slot" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "proposal_counter_slot" cascade;`);
    this.addSql(`alter table "proposal" drop column "counter_message";`);
    this.addSql(`drop table if exists "idempotency_key" cascade;`);
    this.addSql(`drop table if exists "webhook_attempt" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop type "webhook_delivery_status";`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
  }
}
