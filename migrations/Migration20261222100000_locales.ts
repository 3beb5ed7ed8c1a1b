import { Migration } from '@mikro-orm/migrations';

/** The language of an account's emails (src/i18n): English for the accounts made before. */
export class Migration20261222100000_locales extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "locale" varchar(8) not null default 'en';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop column "locale";`);
  }
}
