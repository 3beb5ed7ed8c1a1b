import { Migration } from '@mikro-orm/migrations';

/** When a session's refresh token was last traded: a twin of that trade within a few seconds gets the same pair. */
export class Migration20261201091000_refresh_grace extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "session" add column "rotated_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "session" drop column "rotated_at";`);
  }
}
