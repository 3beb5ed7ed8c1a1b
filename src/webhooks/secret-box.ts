import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Endpoint secrets at rest. With WEBHOOK_ENCRYPTION_KEY they are sealed with AES-256-GCM under a key
 * derived from it (`gcm:<iv>.<tag>.<ciphertext>`, base64url); without one they are stored as they are
 * (`plain:<secret>`), since the server must read them back to sign.
 */
export class SecretBox {
  private readonly key?: Buffer;

  constructor(passphrase?: string) {
    this.key = passphrase ? createHash('sha256').update(passphrase).digest() : undefined;
  }

  seal(secret: string): string {
    if (!this.key) return `plain:${secret}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `gcm:${[iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.')}`;
  }

  open(stored: string): string {
    if (stored.startsWith('plain:')) return stored.slice('plain:'.length);
    if (!this.key) throw new Error('this endpoint secret is sealed: set WEBHOOK_ENCRYPTION_KEY to sign with it');
    const [iv, tag, sealed] = stored.slice('gcm:'.length).split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
  }
}
