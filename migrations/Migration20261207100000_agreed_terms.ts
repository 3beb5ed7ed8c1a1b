import { Migration } from '@mikro-orm/migrations';

/**
 * What a customer agreed to, stored with what they agreed to (README, "Money rules"): the terms (rates,
 * currency, cancellation policy) and the price lines of bookings, proposals, counter-offers and waitlist
 * entries; the service's late-cancellation refund share; refunds that belong to their booking, with
 * Stripe's statuses (a card refund counts only once the bank confirmed it); and payment discrepancies
 * (a succeeded event for another amount or currency than the intent's). Rows made before this migration
 * take the terms of their service as they are now: what the code before it would have charged.
 */
export class Migration20261207100000_agreed_terms extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "service" add column "late_cancellation_refund_value" numeric(6,4) not null default 0, add constraint "service_late_cancellation_refund_check" check (late_cancellation_refund_value between 0 and 1);`,
    );
    this.addSql(`
create function pg_temp.agreed_terms(s service) returns jsonb language sql stable as $$
  select jsonb_build_object('currency', s.currency, 'childRate', s.child_rate_value::text, 'infantRate', s.infant_rate_value::text,
    'taxRate', s.tax_rate_value::text, 'cutoffHours', s.cutoff_hours, 'refundBeforeCutoff', '1', 'refundAfterCutoff', s.late_cancellation_refund_value::text)
$$;`);
    this.addSql(`
create function pg_temp.party_lines(slot_id int, slot_price numeric, adults int, children int, infants int, terms jsonb) returns jsonb language sql immutable as $$
  select coalesce(jsonb_agg(l.line order by l.ord), '[]'::jsonb) from (
    select 1 as ord, jsonb_build_object('slotId', slot_id, 'category', 'ADULT', 'count', adults, 'slotPrice', slot_price::text, 'rate', '1', 'taxRate', terms->>'taxRate') as line where adults > 0
    union all
    select 2, jsonb_build_object('slotId', slot_id, 'category', 'CHILD', 'count', children, 'slotPrice', slot_price::text, 'rate', terms->>'childRate', 'taxRate', terms->>'taxRate') where children > 0
    union all
    select 3, jsonb_build_object('slotId', slot_id, 'category', 'INFANT', 'count', infants, 'slotPrice', slot_price::text, 'rate', terms->>'infantRate', 'taxRate', terms->>'taxRate') where infants > 0
  ) l
$$;`);

    // Bookings: their terms and lines (slot prices as agreed in booking_slot).
    this.addSql(`alter table "booking" add column "terms" jsonb null, add column "lines" jsonb null;`);
    this.addSql(`update "booking" b set "terms" = pg_temp.agreed_terms(s) from "service" s where s.id = b.service_id;`);
    this.addSql(`
update "booking" b set "lines" = (
  select coalesce(jsonb_agg(x.line order by bs.slot_id, x.ord), '[]'::jsonb)
  from booking_slot bs, jsonb_array_elements(pg_temp.party_lines(bs.slot_id, bs.unit_price, b.adults, b.children, b.infants, b.terms)) with ordinality as x(line, ord)
  where bs.booking_id = b.id);`);
    this.addSql(`alter table "booking" alter column "terms" set not null, alter column "lines" set not null;`);

    // Proposals and counter-offers: priced when made.
    this.addSql(
      `alter table "proposal" add column "terms" jsonb null, add column "lines" jsonb null, add column "counter_terms" jsonb null, add column "counter_lines" jsonb null;`,
    );
    this.addSql(
      `update "proposal" p set "terms" = pg_temp.agreed_terms(s) from "service" s where s.id = p.service_id;`,
    );
    this.addSql(`
update "proposal" p set "lines" = (
  select coalesce(jsonb_agg(x.line order by sl.id, x.ord), '[]'::jsonb)
  from proposal_slot ps join slot sl on sl.id = ps.slot_id join service s on s.id = sl.service_id,
    jsonb_array_elements(pg_temp.party_lines(sl.id, coalesce(sl.price_amount, s.price_amount), p.adults, p.children, p.infants, p.terms)) with ordinality as x(line, ord)
  where ps.proposal_id = p.id);`);
    this.addSql(`
update "proposal" p set "counter_terms" = p.terms, "counter_lines" = (
  select jsonb_agg(x.line order by sl.id, x.ord)
  from proposal_counter_slot ps join slot sl on sl.id = ps.slot_id join service s on s.id = sl.service_id,
    jsonb_array_elements(pg_temp.party_lines(sl.id, coalesce(sl.price_amount, s.price_amount), p.adults, p.children, p.infants, p.terms)) with ordinality as x(line, ord)
  where ps.proposal_id = p.id)
where exists (select 1 from proposal_counter_slot ps where ps.proposal_id = p.id);`);
    this.addSql(`alter table "proposal" alter column "terms" set not null, alter column "lines" set not null;`);

    // Waitlist entries: the terms and slot prices when joined; an offer's lines.
    this.addSql(
      `alter table "waitlist_entry" add column "terms" jsonb null, add column "slot_prices" jsonb not null default '{}', add column "lines" jsonb null;`,
    );
    this.addSql(
      `update "waitlist_entry" e set "terms" = pg_temp.agreed_terms(s) from "service" s where s.id = e.service_id;`,
    );
    this.addSql(`
update "waitlist_entry" e set "lines" = pg_temp.party_lines(sl.id, coalesce(sl.price_amount, s.price_amount), e.adults, e.children, e.infants, e.terms)
from slot sl join service s on s.id = sl.service_id where sl.id = e.offered_slot_id;`);
    this.addSql(`alter table "waitlist_entry" alter column "terms" set not null;`);

    // Refunds belong to their booking (card or not) and follow Stripe's statuses.
    this.addSql(`alter type "refund_status" add value 'REQUIRES_ACTION';`);
    this.addSql(`alter type "refund_status" add value 'CANCELED';`);
    this.addSql(
      `alter table "refund" add column "booking_id" int null, add column "currency" varchar(3) null, add column "reason" text null, add column "updated_at" timestamptz null, alter column "payment_id" drop not null;`,
    );
    this.addSql(
      `update "refund" r set "booking_id" = b.id, "currency" = b.currency, "updated_at" = r.created_at from "booking" b where b.payment_id = r.payment_id;`,
    );
    // Money recorded as given back outside the card (cash, transfer) had no row.
    this.addSql(`
insert into "refund" (booking_id, payment_id, amount, currency, status, reason, created_at, updated_at)
select b.id, null, b.refunded_amount, b.currency, 'SUCCEEDED', 'recorded by the provider', b.updated_at, b.updated_at
from booking b where b.payment_id is null and b.refunded_amount > 0;`);
    // `refunded` now counts only what the bank confirmed.
    this.addSql(`
update "booking" b set "refunded_amount" = nullif(greatest(p.refunded_amount,
  (select coalesce(sum(r.amount), 0) from refund r where r.payment_id = p.id and r.status = 'SUCCEEDED')), 0)
from payment p where p.id = b.payment_id;`);
    this.addSql(
      `alter table "refund" alter column "booking_id" set not null, alter column "currency" set not null, alter column "updated_at" set not null;`,
    );
    this.addSql(
      `alter table "refund" add constraint "refund_booking_id_foreign" foreign key ("booking_id") references "booking" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "refund_booking_id_index" on "refund" ("booking_id");`);
    this.addSql(
      `create unique index "refund_stripe_refund_id_unique" on "refund" ("stripe_refund_id") where stripe_refund_id is not null;`,
    );

    this.addSql(`
create table "payment_discrepancy" (
  "id" serial primary key,
  "booking_id" int not null references "booking" ("id") on update cascade on delete cascade,
  "payment_id" int not null references "payment" ("id") on update cascade,
  "event_id" varchar(255) not null,
  "event_type" varchar(100) not null,
  "expected_amount" numeric(14,4) not null,
  "expected_currency" varchar(3) not null,
  "reported_amount" numeric(14,4) not null,
  "reported_currency" varchar(3) not null,
  "created_at" timestamptz not null
);`);
    this.addSql(`create index "payment_discrepancy_booking_id_index" on "payment_discrepancy" ("booking_id");`);
  }
}
