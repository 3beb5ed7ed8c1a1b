import { Migration } from '@mikro-orm/migrations';

export class Migration20261123100000_tokens extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "session" ("id" serial primary key, "user_id" int not null, "refresh_hash" varchar(64) not null, "previous_refresh_hash" varchar(64) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null);`,
    );
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);
    this.addSql(`alter table "session" add constraint "session_refresh_hash_unique" unique ("refresh_hash");`);
    this.addSql(`create index "session_previous_refresh_hash_index" on "session" ("previous_refresh_hash");`);

    this.addSql(
      `alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "app_user" add column "deactivated_at" timestamptz null;`);

    // rate-limiter-flexible's counters (RateLimiterPostgres), made here rather than by the library so
    // that processes starting together do not race to create it. Its queries need these three columns
    // in this order; expire is in milliseconds since the epoch.
    this.addSql(`create schema if not exists "rate_limit";`);
    this.addSql(
      `create table "rate_limit"."counter" ("key" text primary key, "points" int not null default 0, "expire" bigint null);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop schema if exists "rate_limit" cascade;`);

    this.addSql(`drop table if exists "session" cascade;`);

    this.addSql(`alter table "app_user" drop column "deactivated_at";`);
  }
}
