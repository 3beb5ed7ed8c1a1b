import { Field, ID, Int, ObjectType } from 'type-graphql';

/** The public view of an image: where it is served and how large it is; `alt` when attached with one. */
@ObjectType('Image', {
  description: 'A picture uploaded with POST /uploads and attached to a service or set as a provider avatar.',
})
export class ImageView {
  @Field(() => ID, {
    description: 'The id POST /uploads answered; pass it to attachServiceImage or setProviderAvatar.',
  })
  id!: string;

  @Field({ description: 'Where the image is served (GET, cacheable for a year: its content never changes).' })
  url!: string;

  @Field(() => Int, { description: 'Width in pixels of the stored copy (at most 2,000).' })
  width!: number;

  @Field(() => Int, { description: 'Height in pixels of the stored copy.' })
  height!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Text describing the image for screen readers, given when it was attached; null for an avatar.',
  })
  alt?: string | null;
}
