import { Migration } from '@mikro-orm/migrations';

export class Migration20261121065152_proposals extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "proposal_status" as enum ('PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN', 'EXPIRED');`);
    this.addSql(
      `create table "proposal" ("id" serial primary key, "service_id" int not null, "customer_id" int not null, "adults" int not null, "children" int not null default 0, "infants" int not null default 0, "message" text null, "status" "proposal_status" not null default 'PENDING', "expires_at" timestamptz not null, "booking_id" int null, "decline_reason" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "proposal" add constraint "proposal_booking_id_unique" unique ("booking_id");`);
    this.addSql(`create index "proposal_customer_id_created_at_index" on "proposal" ("customer_id", "created_at");`);
    this.addSql(`create index "proposal_service_id_created_at_index" on "proposal" ("service_id", "created_at");`);

    this.addSql(
      `create table "proposal_slot" ("proposal_id" int not null, "slot_id" int not null, constraint "proposal_slot_pkey" primary key ("proposal_id", "slot_id"));`,
    );

    this.addSql(
      `alter table "proposal" add constraint "proposal_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "proposal" add constraint "proposal_customer_id_foreign" foreign key ("customer_id") references "app_user" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "proposal" add constraint "proposal_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "proposal_slot" add constraint "proposal_slot_proposal_id_foreign" foreign key ("proposal_id") references "proposal" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "proposal_slot" add constraint "proposal_slot_slot_id_foreign" foreign key ("slot_id") references "slot" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "proposal_slot" drop constraint "proposal_slot_proposal_id_foreign";`);

    this.addSql(`drop table if exists "proposal" cascade;`);

    this.addSql(`drop table if exists "proposal_slot" cascade;`);

    this.addSql(`drop type "proposal_status";`);
  }
}
