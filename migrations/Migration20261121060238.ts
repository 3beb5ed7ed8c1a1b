import { Migration } from '@mikro-orm/migrations';

export class Migration20261121060238 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "message" ("id" serial primary key, "recipient_id" int null, "to" varchar(254) not null, "subject" varchar(300) not null, "text" text not null, "html" text not null, "calendar" text null, "status" varchar(10) not null default 'PENDING', "attempts" int not null default 0, "last_error" text null, "sent_at" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "message_recipient_id_created_at_index" on "message" ("recipient_id", "created_at");`);

    this.addSql(
      `alter table "message" add constraint "message_recipient_id_foreign" foreign key ("recipient_id") references "app_user" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`alter table "booking" add column "invite_sequence" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "message" cascade;`);

    this.addSql(`alter table "booking" drop column "invite_sequence";`);
  }
}
