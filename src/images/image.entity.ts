import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from '../accounts/user.entity';
import { Service } from '../catalog/service.entity';

/** The formats an upload may be, each stored again in its own format. */
export const IMAGE_FORMATS = {
  jpeg: { ext: 'jpg', contentType: 'image/jpeg' },
  png: { ext: 'png', contentType: 'image/png' },
  webp: { ext: 'webp', contentType: 'image/webp' },
} as const;
export type ImageFormat = keyof typeof IMAGE_FORMATS;

/** The object's name in storage and the last part of its URL: the image's id and its format's extension. */
export const imageKey = (id: string, format: ImageFormat) => `${id}.${IMAGE_FORMATS[format].ext}`;

/** An uploaded picture, re-encoded; its bytes are in the image storage under `key`, never in the database. */
@Entity()
export class Image {
  [OptionalProps]?: 'createdAt' | 'key';

  /** Random and unguessable: the stored object's name and its URL. */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Only the uploader may attach the image. */
  @ManyToOne(() => User, { ref: true, index: true, deleteRule: 'cascade' })
  uploader!: Ref<User>;

  @Property({ length: 10 })
  format!: ImageFormat;

  @Property()
  width!: number;

  @Property()
  height!: number;

  @Property()
  bytes!: number;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  get key(): string {
    return imageKey(this.id, this.format);
  }
}

/** An image shown with a service, in the order attached. */
@Entity()
export class ServiceImage {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Service, { ref: true, primary: true, deleteRule: 'cascade' })
  service!: Ref<Service>;

  @ManyToOne(() => Image, { ref: true, primary: true, index: true, deleteRule: 'cascade' })
  image!: Ref<Image>;

  @Property({ length: 300, nullable: true })
  alt?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
