import { Migration } from '@mikro-orm/migrations';

/**
 * Reviews and images. The database keeps a review's rules itself: one per booking (unique), a rating from
 * 1 to 5, a comment of at most 2,000 characters, written only on a COMPLETED booking by its customer for
 * that booking's service and provider, and a reply that once given is never replaced.
 */
export class Migration20261123140000_reviews_images extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "image" ("id" uuid primary key, "uploader_id" int not null, "format" varchar(10) not null, "width" int not null, "height" int not null, "bytes" int not null, "created_at" timestamptz not null,
      constraint "image_format_check" check (format in ('jpeg', 'png', 'webp')),
      constraint "image_size_check" check (width between 1 and 2000 and height >= 1 and bytes >= 1));`);
    this.addSql(`create index "image_uploader_id_index" on "image" ("uploader_id");`);
    this.addSql(
      `alter table "image" add constraint "image_uploader_id_foreign" foreign key ("uploader_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "service_image" ("service_id" int not null, "image_id" uuid not null, "alt" varchar(300) null, "created_at" timestamptz not null, constraint "service_image_pkey" primary key ("service_id", "image_id"));`,
    );
    this.addSql(`create index "service_image_image_id_index" on "service_image" ("image_id");`);
    this.addSql(
      `alter table "service_image" add constraint "service_image_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "service_image" add constraint "service_image_image_id_foreign" foreign key ("image_id") references "image" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "provider" add column "avatar_id" uuid null;`);
    this.addSql(
      `alter table "provider" add constraint "provider_avatar_id_foreign" foreign key ("avatar_id") references "image" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`create type "review_status" as enum ('VISIBLE', 'HIDDEN');`);
    this.addSql(`create table "review" ("id" serial primary key, "booking_id" int not null, "service_id" int not null, "provider_id" int not null, "author_id" int not null,
      "rating" smallint not null, "comment" text null, "reply" text null, "replied_at" timestamptz null, "status" "review_status" not null default 'VISIBLE',
      "hidden_at" timestamptz null, "hidden_by_id" int null, "created_at" timestamptz not null,
      constraint "review_booking_id_unique" unique ("booking_id"),
      constraint "review_rating_check" check (rating between 1 and 5),
      constraint "review_comment_check" check (char_length(comment) <= 2000),
      constraint "review_reply_check" check (char_length(reply) <= 2000));`);
    this.addSql(
      `create index "review_service_id_index" on "review" ("service_id", "created_at") where status = 'VISIBLE';`,
    );
    this.addSql(
      `create index "review_provider_id_index" on "review" ("provider_id", "created_at") where status = 'VISIBLE';`,
    );
    this.addSql(`create index "review_author_id_index" on "review" ("author_id");`);
    this.addSql(
      `alter table "review" add constraint "review_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "review" add constraint "review_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "review" add constraint "review_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "review" add constraint "review_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "review" add constraint "review_hidden_by_id_foreign" foreign key ("hidden_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`
create function review_rules() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if not exists (select 1 from booking b join service s on s.id = b.service_id
        where b.id = new.booking_id and b.status = 'COMPLETED' and b.customer_id = new.author_id
          and b.service_id = new.service_id and s.provider_id = new.provider_id) then
      raise exception 'a review needs a COMPLETED booking of its author, service and provider' using errcode = '23514';
    end if;
  elsif old.reply is not null and new.reply is distinct from old.reply then
    raise exception 'a review takes one reply' using errcode = '23514';
  end if;
  return new;
end $$;`);
    this.addSql(
      `create trigger review_rules before insert or update of reply on review for each row execute function review_rules();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "review" cascade;`);
    this.addSql(`drop function if exists review_rules();`);
    this.addSql(`drop type "review_status";`);
    this.addSql(`alter table "provider" drop column "avatar_id";`);
    this.addSql(`drop table if exists "service_image" cascade;`);
    this.addSql(`drop table if exists "image" cascade;`);
  }
}
