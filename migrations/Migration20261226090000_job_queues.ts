import { Migration } from '@mikro-orm/migrations';

/**
 * A job's named queue in the outbox (graphile-worker's `queue_name`): jobs of one queue run one at a time, in
 * the order they were added. A booking's emails are written in the order of its changes through it.
 */
export class Migration20261226090000_job_queues extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "job_outbox" add column "queue_name" text;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "job_outbox" drop column "queue_name";`);
  }
}
