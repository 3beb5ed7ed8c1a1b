import { Migration } from '@mikro-orm/migrations';

/**
 * The job outbox: a change's jobs without a key, written as plain rows in the change's own statement (an
 * insert, where graphile-worker's add_job cost a booking a third of its database time), and moved into
 * graphile-worker's queue in batches by the job runner (src/infra/job-outbox.ts).
 */
export class Migration20261225090000_job_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "job_outbox" ("id" bigint generated always as identity primary key, "task" text not null, "payload" json not null, "run_at" timestamptz not null, "max_attempts" smallint not null);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "job_outbox";`);
  }
}
