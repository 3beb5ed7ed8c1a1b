import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotent answers are now sealed and their fingerprints keyed with the server's secret
 * (src/server/idempotency.ts). Keys kept before held answers in clear (tokens among them) and plain
 * SHA-256 fingerprints of bodies (passwords among them): they are dropped. They lived 24 hours at most;
 * a client repeating one of them runs its request again.
 */
export class Migration20261202100000_sealed_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(`delete from "idempotency_key";`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "idempotency_key";`);
  }
}
