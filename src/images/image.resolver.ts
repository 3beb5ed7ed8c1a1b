import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS } from '../graphql/limits';
import type { ImageService } from './image.service';
import { ImageView } from './image.types';

@Resolver()
export class ImageResolver {
  constructor(private readonly imageService: ImageService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Service, {
    description:
      'Shows an image the caller uploaded (POST /uploads) with a service the caller manages; attaching it again changes its alt text.',
  })
  attachServiceImage(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'A service the caller manages.' }) serviceId: string,
    @Arg('imageId', () => ID, { description: 'The id POST /uploads answered to the caller.' }) imageId: string,
    @Arg('alt', () => String, {
      nullable: true,
      description: 'Text describing the image for screen readers; one line, up to 300 characters.',
    })
    alt?: string | null,
  ): Promise<Service> {
    return this.imageService.attach(ctx, serviceId, imageId, alt);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Service, { description: 'Stops showing an image with a service the caller manages.' })
  removeServiceImage(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { description: 'A service the caller manages.' }) serviceId: string,
    @Arg('imageId', () => ID, { description: 'An image attached to that service.' }) imageId: string,
  ): Promise<Service> {
    return this.imageService.remove(ctx, serviceId, imageId);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => Provider, {
    description: "Sets the caller's profile picture to an image it uploaded; null removes it.",
  })
  setProviderAvatar(
    @Ctx() ctx: RequestContext,
    @Arg('imageId', () => ID, {
      nullable: true,
      description: 'The id POST /uploads answered to the caller; null clears the avatar.',
    })
    imageId?: string | null,
  ): Promise<Provider> {
    return this.imageService.setAvatar(ctx, imageId);
  }
}

@Resolver(() => Service)
export class ServiceImagesResolver {
  constructor(private readonly imageService: ImageService) {}

  @FieldResolver(() => [ImageView], {
    description: `The service's images in the order attached; at most ${MAX_ROWS.serviceImages}.`,
    complexity: listCost(5, MAX_ROWS.serviceImages),
  })
  images(@Ctx() ctx: RequestContext, @Root() service: Service): Promise<ImageView[]> {
    return this.imageService.ofService(ctx, service);
  }
}

@Resolver(() => Provider)
export class ProviderAvatarResolver {
  constructor(private readonly imageService: ImageService) {}

  @FieldResolver(() => ImageView, {
    nullable: true,
    description: "The provider's profile picture; null when none is set.",
  })
  avatar(@Root() provider: Provider): Promise<ImageView | null> {
    return this.imageService.avatarOf(provider);
  }
}
