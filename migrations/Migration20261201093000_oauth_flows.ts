import { Migration } from '@mikro-orm/migrations';

/**
 * OAuth consents bound to the browser that started them, for any provider (`kind`): a start link's
 * ticket, then the consent's state and the hash of the browser's cookie (src/calendars/oauth-flow.ts).
 * Replaces `oauth_state`; consents started before the upgrade must be started again.
 */
export class Migration20261201093000_oauth_flows extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop table "oauth_state";`);
    this.addSql(`create table "oauth_flow" (
      "id" serial primary key,
      "kind" varchar(20) not null,
      "provider_id" int not null references "provider" ("id") on update cascade on delete cascade,
      "ticket_hash" character(64) null unique,
      "state_hash" character(64) null unique,
      "browser_hash" character(64) null,
      "expires_at" timestamptz not null);`);
    this.addSql(`create index "oauth_flow_expires_at_index" on "oauth_flow" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "oauth_flow";`);
    this.addSql(
      `create table "oauth_state" ("hash" character(64) primary key, "provider_id" int not null references "provider" ("id") on update cascade on delete cascade, "expires_at" timestamptz not null);`,
    );
  }
}
