import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (webhook endpoint secrets, calendar refresh tokens). With one or more passphrases they
 * are sealed with AES-256-GCM under a key derived from the FIRST (`gcm:<iv>.<tag>.<ciphertext>`,
 * base64url) and opened with whichever passphrase sealed them, so a key can be rotated by putting the new
 * one first and keeping the old one after it until everything was sealed again. Without any passphrase
 * they are stored as they are (`plain:<secret>`).
 */
export class SecretBox {
  private readonly keys: Buffer[];

  /** `passphrases`: a comma-separated list (or none), the newest first. */
  constructor(
    passphrases?: string,
    private readonly setting = 'the encryption key',
  ) {
    this.keys = (passphrases ?? '')
      .split(',')
      .map((passphrase) => passphrase.trim())
      .filter(Boolean)
      .map((passphrase) => createHash('sha256').update(passphrase).digest());
  }

  seal(secret: string): string {
    const key = this.keys[0];
    if (!key) return `plain:${secret}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `gcm:${[iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.')}`;
  }

  open(stored: string): string {
    return this.unseal(stored).secret;
  }

  /** The secret, and whether it was sealed with an older key (or none) and should be sealed again. */
  unseal(stored: string): { secret: string; stale: boolean } {
    if (stored.startsWith('plain:')) return { secret: stored.slice('plain:'.length), stale: this.keys.length > 0 };
    if (this.keys.length === 0) throw new Error(`this secret is sealed: set ${this.setting} to read it`);
    const [iv, tag, sealed] = stored
      .slice('gcm:'.length)
      .split('.')
      .map((part) => Buffer.from(part, 'base64url'));
    for (const [index, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return {
          secret: Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8'),
          stale: index > 0,
        };
      } catch {
        // Sealed under another of the keys (the tag does not verify): try the next.
      }
    }
    throw new Error(`this secret was sealed with a key that is not in ${this.setting}`);
  }
}
