import { Migration } from '@mikro-orm/migrations';

/** Minor-unit digits of the ISO 4217 currencies that do not have two (as Intl.NumberFormat has them). */
const DIGITS = `case currency
  when 'BIF' then 0 when 'CLP' then 0 when 'DJF' then 0 when 'GNF' then 0 when 'ISK' then 0 when 'JPY' then 0
  when 'KMF' then 0 when 'KRW' then 0 when 'PYG' then 0 when 'RWF' then 0 when 'UGX' then 0 when 'UYI' then 0
  when 'VND' then 0 when 'VUV' then 0 when 'XAF' then 0 when 'XOF' then 0 when 'XPF' then 0
  when 'BHD' then 3 when 'IQD' then 3 when 'JOD' then 3 when 'KWD' then 3 when 'LYD' then 3 when 'OMR' then 3
  when 'TND' then 3 else 2 end`;

/** A snapshot's money fields in the currency's own format ("222.75", never "222.7500"). */
const canonical = (column: string) => `(
  select jsonb_object_agg(key, case when key in ('total', 'refundedAmount') and jsonb_typeof(value) = 'string'
    then to_jsonb(round((value #>> '{}')::numeric, (select ${DIGITS} from (select ${column}->>'currency' as currency) as c))::text)
    else value end)
  from jsonb_each(${column}))`;

/**
 * The audit trail covers proposals, waitlist entries, services, schedules and slots as it does bookings:
 * each entry names its subject (`subject_type`, `subject_id`); a booking's entries keep `booking_id`, its
 * history. Amounts already written are put in the one money format.
 */
export class Migration20261202102000_audit_subjects extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "audit_entry" add column "subject_type" varchar(20) not null default 'booking', add column "subject_id" int null;`,
    );
    this.addSql(`update "audit_entry" set "subject_id" = "booking_id";`);
    this.addSql(
      `alter table "audit_entry" alter column "subject_id" set not null, alter column "subject_type" drop default, alter column "booking_id" drop not null;`,
    );
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_subject_check" check (subject_type in ('booking', 'proposal', 'waitlist_entry', 'service', 'schedule', 'slot') and (booking_id is not null) = (subject_type = 'booking') and (booking_id is null or booking_id = subject_id));`,
    );
    this.addSql(
      `create index "audit_entry_subject_type_subject_id_index" on "audit_entry" ("subject_type", "subject_id");`,
    );
    this.addSql(
      `update "audit_entry" set "before" = ${canonical('"before"')} where jsonb_typeof("before") = 'object' and "before" ? 'total';`,
    );
    this.addSql(
      `update "audit_entry" set "after" = ${canonical('"after"')} where jsonb_typeof("after") = 'object' and "after" ? 'total';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "audit_entry" where "booking_id" is null;`);
    this.addSql(`drop index "audit_entry_subject_type_subject_id_index";`);
    this.addSql(
      `alter table "audit_entry" drop constraint "audit_entry_subject_check", drop column "subject_type", drop column "subject_id", alter column "booking_id" set not null;`,
    );
  }
}
