import { Migration } from '@mikro-orm/migrations';

/** Microsoft 365 calendars: services may choose Microsoft Teams meetings (calendar_connection.kind 'microsoft' needs no change). */
export class Migration20261220100000_microsoft_teams extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "meeting_provider" add value if not exists 'MICROSOFT_TEAMS';`);
  }

  override async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value: services that chose Teams go back to no meeting, the value stays.
    this.addSql(`update "service" set "meeting_provider" = 'NONE' where "meeting_provider" = 'MICROSOFT_TEAMS';`);
  }
}
