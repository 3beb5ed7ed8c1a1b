import { Migration } from '@mikro-orm/migrations';

/** Secret ICS feeds (only a hash of each token), Zoom as a meeting provider, and the Zoom meeting of each booking. */
export class Migration20261123130000_feeds_zoom extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "calendar_feed" ("user_id" int not null, "nonce" varchar(32) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, constraint "calendar_feed_pkey" primary key ("user_id"));`,
    );
    this.addSql(`alter table "calendar_feed" add constraint "calendar_feed_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `alter table "calendar_feed" add constraint "calendar_feed_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter type "meeting_provider" add value if not exists 'ZOOM';`);
    this.addSql(
      `create table "zoom_meeting" ("booking_id" int not null, "meeting_id" varchar(40) null, "join_url" varchar(500) null, "requested_at" timestamptz null, "starts_at" timestamptz null, "duration_minutes" int null, "topic" varchar(200) null, "updated_at" timestamptz not null, constraint "zoom_meeting_pkey" primary key ("booking_id"));`,
    );
    this.addSql(
      `alter table "zoom_meeting" add constraint "zoom_meeting_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    // A meeting id names one booking's meeting: a second booking can never adopt it.
    this.addSql(`alter table "zoom_meeting" add constraint "zoom_meeting_meeting_id_unique" unique ("meeting_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "zoom_meeting" cascade;`);
    this.addSql(`drop table if exists "calendar_feed" cascade;`);
  }
}
