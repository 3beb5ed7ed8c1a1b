import { Migration } from '@mikro-orm/migrations';

/** The rules that count held seats, as written before: each gains PENDING_CONFIRMATION beside PENDING_PAYMENT. */
const HOLDING_RULES = ['check_hold', 'booking_customer_limits', 'hold_provider_time'];

/**
 * Guest bookings (docs/guest-bookings.md). `PENDING_CONFIRMATION`: a guest's free booking holding its seats
 * until the guest follows the emailed link; the rules that count held seats (hold caps per customer, active
 * bookings and overlaps per customer, a capacity-1 provider's time) count it as they count PENDING_PAYMENT.
 * `app_user.guest`: an identity made by `bookAsGuest` for one email, with no password; an email is unique
 * among accounts and among guests, so that an account can be made for a guest's address and adopt its
 * bookings once verified. `booking.manage_generation`: manage links carry it; revoking them raises it.
 * `payment`: a Stripe Checkout Session's id and url; its PaymentIntent is known once the session completes.
 */
export class Migration20261221100000_guest_bookings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "booking_status" add value if not exists 'PENDING_CONFIRMATION' after 'PENDING_PAYMENT';`);
    this.addSql(`
do $$
declare
  rule record;
  def text;
begin
  for rule in select p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = current_schema() and p.proname = any(array['${HOLDING_RULES.join("', '")}']) loop
    def := pg_get_functiondef(rule.oid);
    def := replace(def, $r$('PENDING_PAYMENT', 'CONFIRMED')$r$, $r$('PENDING_PAYMENT', 'PENDING_CONFIRMATION', 'CONFIRMED')$r$);
    def := replace(def, $r$b.status = 'PENDING_PAYMENT'$r$, $r$b.status in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION')$r$);
    execute def;
  end loop;
end $$;`);
    this.addSql(`drop trigger booking_hold_limits on "booking";`);
    // Compared as text: a new enum value cannot be used in the transaction that adds it.
    this.addSql(
      `create trigger booking_hold_limits after insert or update of status, starts_at, ends_at, adults, children, infants on "booking" for each row when (new.status::text in ('PENDING_PAYMENT', 'PENDING_CONFIRMATION')) execute function booking_hold_limits();`,
    );
    this.addSql(`alter table "app_user" add column "guest" boolean not null default false;`);
    this.addSql(`alter table "app_user" drop constraint "app_user_email_unique";`);
    this.addSql(`create unique index "app_user_email_unique" on "app_user" ("email") where not guest;`);
    this.addSql(`create unique index "app_user_guest_email_unique" on "app_user" ("email") where guest;`);
    this.addSql(`alter table "booking" add column "manage_generation" int not null default 0;`);
    this.addSql(`alter table "payment" alter column "intent_id" drop not null;`);
    this.addSql(
      `alter table "payment" add column "checkout_session_id" varchar(255) null unique, add column "checkout_url" text null;`,
    );
  }

  /** PENDING_CONFIRMATION stays in the type (PostgreSQL cannot drop an enum value); nothing uses it after. */
  override async down(): Promise<void> {
    this.addSql(`alter table "payment" drop column "checkout_url", drop column "checkout_session_id";`);
    this.addSql(`alter table "payment" alter column "intent_id" set not null;`);
    this.addSql(`alter table "booking" drop column "manage_generation";`);
    this.addSql(`delete from "app_user" where guest;`);
    this.addSql(`drop index "app_user_guest_email_unique";`);
    this.addSql(`drop index "app_user_email_unique";`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
    this.addSql(`alter table "app_user" drop column "guest";`);
  }
}
