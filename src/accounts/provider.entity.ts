import {
  Collection,
  Entity,
  ManyToOne,
  OneToMany,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from './user.entity';
import { Service } from '../catalog/service.entity';
import { Image } from '../images/image.entity';
import { textCost } from '../graphql/limits';

/** The public profile of a user who publishes services. */
@ObjectType('Provider', { description: 'The public profile of a business or person that offers services.' })
@Entity()
export class Provider {
  [OptionalProps]?: 'embedOrigins';

  @Field(() => ID, { description: 'Stable identifier of the provider profile.' })
  @PrimaryKey()
  id!: number;

  @OneToOne(() => User, { owner: true, ref: true, unique: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Field({ description: 'Display name shown to customers.' })
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, {
    description: 'Free-text presentation; null when not written.',
    nullable: true,
    complexity: textCost(5_000),
  })
  @Property({ type: 'text', nullable: true })
  bio?: string | null;

  @OneToMany(
    () => Service,
    (service) => service.provider,
  )
  services = new Collection<Service>(this);

  @Field(() => [String], {
    description:
      "Sites (origins such as https://www.example.com) that may show the provider's calendar pages in an <iframe> (CSP frame-ancestors); empty: none may.",
  })
  @Property({ type: 'json' })
  embedOrigins: string[] = [];

  /** The profile picture, an image the provider's user uploaded (setProviderAvatar). */
  @ManyToOne(() => Image, { ref: true, nullable: true, deleteRule: 'set null' })
  avatar?: Ref<Image> | null;
}
