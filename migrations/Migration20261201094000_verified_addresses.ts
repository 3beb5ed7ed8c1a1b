import { Migration } from '@mikro-orm/migrations';

/**
 * No mail to unverified strangers with a booker's words. `app_user.email_verified_at`: when the account's
 * address was confirmed (its sign-up link); accounts made before stay unconfirmed until they confirm.
 * `message.sender_id`: the account a message to an outside address (a booking's contact) goes out on
 * behalf of; it is sent only once that account is confirmed. `booking_policy.guest_addresses_per_day`:
 * how many distinct outside addresses one account may name as contacts in 24 hours, which a trigger
 * checks for every booking written with a contact, under a lock per customer.
 */
export class Migration20261201094000_verified_addresses extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "email_verified_at" timestamptz null;`);
    this.addSql(
      `alter table "message" add column "sender_id" int null references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "booking_policy" add column "guest_addresses_per_day" int not null default 10 check ("guest_addresses_per_day" >= 0);`,
    );
    this.addSql(
      `create index "booking_contact_index" on "booking" ("customer_id", "created_at") where contact is not null;`,
    );
    this.addSql(`
create function booking_guest_limit() returns trigger language plpgsql as $$
declare
  allowed int;
  own text;
  named record;
begin
  select guest_addresses_per_day into allowed from booking_policy;
  select email into own from app_user where id = new.customer_id;
  if coalesce(allowed, 0) = 0 or new.contact ->> 'email' = own then return null; end if;
  perform pg_advisory_xact_lock(new.customer_id, -1); -- (customer, -1): not a service id, not the holds' 0
  select count(*) as addresses, min(last_named) as oldest into named from (
    select max(created_at) as last_named from booking
      where customer_id = new.customer_id and contact ->> 'email' is not null and contact ->> 'email' <> own
        and created_at > new.created_at - interval '1 day'
      group by contact ->> 'email') as recent;
  if named.addresses > allowed then
    raise exception 'GUEST_ADDRESSES' using errcode = 'BK008', detail = allowed::text,
      hint = greatest(1, ceil(extract(epoch from named.oldest + interval '1 day' - new.created_at)))::text;
  end if;
  return null;
end $$;`);
    this.addSql(
      `create trigger booking_guest_limit after insert on "booking" for each row when (new.contact ->> 'email' is not null) execute function booking_guest_limit();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger booking_guest_limit on "booking";`);
    this.addSql(`drop function booking_guest_limit();`);
    this.addSql(`drop index "booking_contact_index";`);
    this.addSql(`alter table "booking_policy" drop column "guest_addresses_per_day";`);
    this.addSql(`alter table "message" drop column "sender_id";`);
    this.addSql(`alter table "app_user" drop column "email_verified_at";`);
  }
}
