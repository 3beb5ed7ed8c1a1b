import { randomUUID } from 'node:crypto';
import { actingProvider, assertManages, requireActor } from '../accounts/ownership';
import type { Provider } from '../accounts/provider.entity';
import { User } from '../accounts/user.entity';
import type { CatalogService } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import { inTransaction, type RequestContext } from '../core/context';
import { BadInput } from '../core/errors';
import { MAX_ROWS } from '../core/limits';
import { requestLoader } from '../core/request-loaders';
import { optionalText } from '../core/validate';
import { reencode } from './image-processing';
import type { ImageStorage, StoredObject } from './image-storage';
import { Image, IMAGE_FORMATS, imageKey, ServiceImage, type ImageFormat } from './image.entity';
import type { ImageView } from './image.types';

/** An image's file name in URLs and storage: its id and the extension of its format. */
const KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(jpg|png|webp)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    const image = await inTransaction(ctx, async (tx) =>
      tx.em.create(Image, {
        id,
        uploader: tx.em.getReference(User, actor.userId),
        format: processed.format,
        width: processed.width,
        height: processed.height,
        bytes: processed.data.length,
        createdAt: tx.clock.now(),
      }),
    );
    return this.view(image);
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
      const removed = UUID.test(imageId)
        ? await tx.em.nativeDelete(ServiceImage, { service, image: imageId.toLowerCase() })
        : 0;
      if (removed === 0) throw new BadInput('imageId', 'is not an image of this service');
      return service;
    });
  }

  /** Sets the caller's provider avatar to an image it uploaded; null clears it. */
  async setAvatar(ctx: RequestContext, imageId: string | null | undefined): Promise<Provider> {
    return inTransaction(ctx, async (tx) => {
      const provider = await actingProvider(tx);
      provider.avatar =
        imageId == null ? null : tx.em.getReference(Image, (await this.ownImage(tx, imageId)).id, { wrapped: true });
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

  /** An image the caller uploaded; any other id is refused alike, so that others' images are not revealed. */
  private async ownImage(ctx: RequestContext, id: string): Promise<Image> {
    const actor = requireActor(ctx);
    const image = UUID.test(id) ? await ctx.em.findOne(Image, id.toLowerCase()) : null;
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
