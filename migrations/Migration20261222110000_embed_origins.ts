import { Migration } from '@mikro-orm/migrations';

/** The sites that may frame a provider's calendar pages (CSP frame-ancestors): none for the providers made before. */
export class Migration20261222110000_embed_origins extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "provider" add column "embed_origins" jsonb not null default '[]', add constraint "provider_embed_origins_check" check (jsonb_typeof(embed_origins) = 'array');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "provider" drop constraint "provider_embed_origins_check", drop column "embed_origins";`);
  }
}
