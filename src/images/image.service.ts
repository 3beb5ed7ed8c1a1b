import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { actingProvider, assertManages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { User } from '../accounts/user.entity';
import type { CatalogService } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput } from '../core/errors';
import { MAX_ROWS } from '../graphql/limits';
import { requestLoader } from '../core/request-loaders';
import { optionalText } from '../core/validate';
import { jobs } from '../jobs';
import { reencode } from './image-processing';
import type { ImageStorage, StoredObject } from './image-storage';
import { Image, IMAGE_FORMATS, imageKey, ServiceImage, type ImageFormat } from './image.entity';
import type { ImageView } from './image.types';

/** An image's file name in URLs and storage: its id and the extension of its format. */
const KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(jpg|png|webp)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An upload that nothing shows this long after it was made is deleted. */
const UNUSED_UPLOAD_MS = 24 * 3_600_000;

export interface ServedImage extends StoredObject {
  contentType: string;
  etag: string;
}

/** Uploaded images: stored outside any transaction, recorded with their uploader, attached to services and profiles. */
export class ImageService {
  constructor(
    private readonly storage: ImageStorage,
    private readonly publicUrl: string,
    private readonly catalog: CatalogService,
  ) {}

  /** Checks and re-encodes an upload, stores it, then records it (the row only once the bytes are kept). */
  async upload(ctx: RequestContext, bytes: Buffer): Promise<ImageView> {
    const actor = requireActor(ctx);
    const processed = await reencode(bytes);
    const id = randomUUID();
    await this.storage.put(imageKey(id, processed.format), processed.data, IMAGE_FORMATS[processed.format].contentType);
    const image = await inTransaction(ctx, async (tx) => {
      const made = tx.em.create(Image, {
        id,
        uploader: tx.em.getReference(User, actor.userId),
        format: processed.format,
        width: processed.width,
        height: processed.height,
        bytes: processed.data.length,
        createdAt: tx.clock.now(),
      });
      tx.effects.addJob(jobs.discardImage(id, made.key, new Date(tx.clock.now().getTime() + UNUSED_UPLOAD_MS)));
      return made;
    });
    return this.view(image);
  }

  /**
   * The discard_image job: deletes the image if nothing shows it (no service, no avatar), its row first,
   * under a lock that attaching it waits for, then its bytes with no transaction open; a retry after the
   * row went deletes the bytes again (a no-op when gone).
   */
  async discard(ctx: RequestContext, imageId: string, key: string): Promise<void> {
    const kept = await inTransaction(ctx, async (tx) => {
      const image = await tx.em.findOne(Image, imageId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!image) return false;
      if ((await tx.em.count(ServiceImage, { image })) + (await tx.em.count(Provider, { avatar: image })) > 0)
        return true;
      await tx.em.nativeDelete(Image, { id: imageId });
      return false;
    });
    if (!kept) await this.storage.delete(key);
  }

  /** Queues the deletion of an image that may be shown nowhere any more, in the change's transaction. */
  private released(tx: TxContext, image: Image): void {
    tx.effects.addJob(jobs.discardImage(image.id, image.key));
  }

  /** The stored image named `file` (`<id>.<ext>`), or null. Ids are never reused, so the id is its ETag. */
  async serve(file: string): Promise<ServedImage | null> {
    const match = KEY.exec(file);
    if (!match) return null;
    const object = await this.storage.get(file);
    const format = (Object.keys(IMAGE_FORMATS) as ImageFormat[]).find((name) => IMAGE_FORMATS[name].ext === match[2])!;
    return object && { ...object, contentType: IMAGE_FORMATS[format].contentType, etag: `"${match[1]}"` };
  }

  /** Attaches an image the caller uploaded to a service it manages (again: changes its alt text). */
  async attach(ctx: RequestContext, serviceId: string, imageId: string, alt?: string | null): Promise<Service> {
    const text = optionalText('alt', alt, 300, { singleLine: true });
    return inTransaction(ctx, async (tx) => {
      const service = await this.catalog.getService(tx, serviceId);
      await assertManages(tx, service.provider);
      const image = await this.ownImage(tx, imageId);
      const attached = await tx.em.findOne(ServiceImage, { service, image });
      if (attached) {
        attached.alt = text;
        return service;
      }
      if ((await tx.em.count(ServiceImage, { service })) >= MAX_ROWS.serviceImages)
        throw new BadInput('imageId', `a service shows at most ${MAX_ROWS.serviceImages} images`);
      tx.em.create(ServiceImage, { service, image, alt: text, createdAt: tx.clock.now() });
      return service;
    });
  }

  async remove(ctx: RequestContext, serviceId: string, imageId: string): Promise<Service> {
    return inTransaction(ctx, async (tx) => {
      const service = await this.catalog.getService(tx, serviceId);
      await assertManages(tx, service.provider);
      const attached = UUID.test(imageId)
        ? await tx.em.findOne(ServiceImage, { service, image: imageId.toLowerCase() }, { populate: ['image'] })
        : null;
      if (!attached) throw new BadInput('imageId', 'is not an image of this service');
      await tx.em.nativeDelete(ServiceImage, { service, image: attached.image });
      this.released(tx, attached.image.getEntity());
      return service;
    });
  }

  /** Sets the caller's provider avatar to an image it uploaded; null clears it. */
  async setAvatar(ctx: RequestContext, imageId: string | null | undefined): Promise<Provider> {
    return inTransaction(ctx, async (tx) => {
      const provider = await actingProvider(tx);
      const before = await provider.avatar?.load();
      const after = imageId == null ? null : await this.ownImage(tx, imageId);
      provider.avatar = after && tx.em.getReference(Image, after.id, { wrapped: true });
      if (before && before.id !== after?.id) this.released(tx, before);
      return provider;
    });
  }

  /** The images of a service in the order attached; every service of a list read in one query. */
  async ofService(ctx: RequestContext, service: Service): Promise<ImageView[]> {
    const em = ctx.em;
    return requestLoader<number, ImageView[]>(em, 'service-images', async (ids) => {
      const rows = await em.find(
        ServiceImage,
        { service: { $in: [...ids] } },
        { populate: ['image'], orderBy: { createdAt: 'asc' } },
      );
      return ids.map((id) =>
        rows
          .filter((row) => row.service.id === id)
          .map((row) => ({ ...this.view(row.image.getEntity()), alt: row.alt ?? null })),
      );
    }).load(service.id);
  }

  /** A provider's avatar (references load in batches). */
  async avatarOf(provider: Provider): Promise<ImageView | null> {
    const image = await provider.avatar?.load();
    return image ? this.view(image) : null;
  }

  /**
   * An image the caller uploaded, locked so that its discarding waits (inside the change's transaction);
   * any other id is refused alike, so that others' images are not revealed.
   */
  private async ownImage(ctx: TxContext, id: string): Promise<Image> {
    const actor = requireActor(ctx);
    const image = UUID.test(id)
      ? await ctx.em.findOne(Image, id.toLowerCase(), { lockMode: LockMode.PESSIMISTIC_READ })
      : null;
    if (!image || image.uploader.id !== actor.userId) throw new BadInput('imageId', 'is not an image you uploaded');
    return image;
  }

  private view(image: Image): ImageView {
    return {
      id: image.id,
      url: `${this.publicUrl}/images/${image.key}`,
      width: image.width,
      height: image.height,
      alt: null,
    };
  }
}
