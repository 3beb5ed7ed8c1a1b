import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** S3-compatible storage; credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles, roles). */
export interface S3Settings {
  bucket: string;
  /** Another S3-compatible service (MinIO, R2, ...); unset, AWS itself. */
  endpoint?: string;
  region: string;
  /** Addresses objects as endpoint/bucket/key rather than bucket.endpoint/key (MinIO and most self-hosted stores need it). */
  forcePathStyle: boolean;
}

/** Where uploaded images are kept: a folder on local disk, or S3 when a bucket is set. */
export interface ImageSettings {
  uploadsDir: string;
  s3?: S3Settings;
}

/** A stored object, to be streamed to the client. */
export interface StoredObject {
  body: Readable;
  length?: number;
}

/** Keeps the bytes of images under a key; written outside any database transaction. */
export interface ImageStorage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object under `key`, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the object under `key`; one already gone is fine. */
  delete(key: string): Promise<void>;
}

/** Files in one folder; a write goes to a temporary name first, so that a reader never sees half a file. */
export class DiskStorage implements ImageStorage {
  constructor(private readonly dir: string) {}

  async put(key: string, body: Buffer): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const temporary = path.join(this.dir, `.${key}.${process.pid}.tmp`);
    await fs.writeFile(temporary, body);
    await fs.rename(temporary, path.join(this.dir, key));
  }

  async get(key: string): Promise<StoredObject | null> {
    const file = path.join(this.dir, key);
    try {
      const { size } = await fs.stat(file);
      return { body: createReadStream(file), length: size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(path.join(this.dir, key), { force: true });
  }
}

/** Objects in an S3 bucket, through the AWS SDK. */
export class S3Storage implements ImageStorage {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 asks for them: several S3-compatible stores refuse the newer checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return { body: object.Body as Readable, length: object.ContentLength };
    } catch (error) {
      if (
        error instanceof NoSuchKey ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      )
        return null;
      throw error;
    }
  }

  /** S3 answers 204 whether or not the key exists. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
  }
}

export function imageStorage(settings: ImageSettings): ImageStorage {
  return settings.s3 ? new S3Storage(settings.s3) : new DiskStorage(settings.uploadsDir);
}
