import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { connectionType, PageArgs, type Page } from '../graphql/connection';
import type { RequestContext } from '../core/context';
import type { CatalogService } from './catalog.service';
import { ServiceInput, ServiceUpdateInput } from './service.inputs';
import { ProviderProfileInput } from '../accounts/account.inputs';
import { Service } from './service.entity';
import { listCost, MAX_ROWS, pageCost } from '../graphql/limits';

const ServiceConnection = connectionType(Service, 'Service');

@Resolver(() => Service)
export class ServiceResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => [Service], {
    description: `Active services, by id; at most ${MAX_ROWS.services}, the rest cut off silently (servicesConnection reads them all).`,
    deprecationReason: 'use servicesConnection',
    complexity: listCost(10, MAX_ROWS.services),
  })
  services(
    @Ctx() ctx: RequestContext,
    @Arg('search', () => String, {
      description: "Case-insensitive text found in the service's name or description (up to 200 characters are used).",
      nullable: true,
    })
    search?: string | null,
    @Arg('category', () => String, {
      description: 'Only services in this category (case-insensitive).',
      nullable: true,
    })
    category?: string | null,
    @Arg('providerId', () => ID, { description: 'Only the services of this provider.', nullable: true }) providerId?:
      | string
      | null,
  ): Promise<Service[]> {
    return this.catalog.listServices(ctx, { search, category, providerId });
  }

  @Query(() => ServiceConnection, {
    description: 'Active services, by id, a page at a time.',
    complexity: pageCost(10),
  })
  servicesConnection(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('search', () => String, {
      description: "Case-insensitive text found in the service's name or description (up to 200 characters are used).",
      nullable: true,
    })
    search?: string | null,
    @Arg('category', () => String, {
      description: 'Only services in this category (case-insensitive).',
      nullable: true,
    })
    category?: string | null,
    @Arg('providerId', () => ID, { description: 'Only the services of this provider.', nullable: true }) providerId?:
      | string
      | null,
  ): Promise<Page<Service>> {
    return this.catalog.listServicesConnection(ctx, { search, category, providerId }, page);
  }

  @Query(() => Service, {
    description:
      'One service by id, public; null when it does not exist or is not published (inactive services are seen only by their provider and admins).',
    nullable: true,
  })
  service(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: "The service's id." }) id: string,
  ): Promise<Service | null> {
    return this.catalog.findService(ctx, id);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Service, {
    description:
      'A provider creates a service, active at once; an admin may create one for a provider (input.providerId).',
  })
  createService(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ServiceInput, { description: 'The new service.' }) input: ServiceInput,
  ): Promise<Service> {
    return this.catalog.createService(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Service, {
    description:
      'Changes a service (its provider or an admin); omitted fields stay. Bookings already made keep their price.',
  })
  updateService(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The service to change.' }) id: string,
    @Arg('input', () => ServiceUpdateInput, { description: 'The fields to change.' }) input: ServiceUpdateInput,
  ): Promise<Service> {
    return this.catalog.updateService(ctx, id, input);
  }

  @FieldResolver(() => Provider, { description: 'Who offers the service.' })
  async provider(@Root() service: Service): Promise<Provider> {
    return service.provider.loadOrFail();
  }
}

@Resolver(() => Provider)
export class ProviderResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => Provider, {
    description: "A provider's public profile; null when no provider has this id.",
    nullable: true,
  })
  provider(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: "The provider's id (User.provider.id of a PROVIDER account)." }) id: string,
  ): Promise<Provider | null> {
    return this.catalog.findProvider(ctx, id);
  }

  @Query(() => [Provider], {
    description: `Providers with at least one active service, by name; at most ${MAX_ROWS.providers}.`,
    complexity: listCost(10, MAX_ROWS.providers),
  })
  providers(
    @Ctx() ctx: RequestContext,
    @Arg('search', () => String, {
      nullable: true,
      description: 'Only providers whose name or bio contains this text (case-insensitive).',
    })
    search?: string | null,
    @Arg('category', () => String, {
      nullable: true,
      description: 'Only providers with an active service in this category.',
    })
    category?: string | null,
  ): Promise<Provider[]> {
    return this.catalog.listProviders(ctx, { search, category });
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => Provider, { description: "Changes the calling provider's public name and bio." })
  updateProviderProfile(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => ProviderProfileInput, { description: 'The fields to change.' }) input: ProviderProfileInput,
  ): Promise<Provider> {
    return this.catalog.updateProviderProfile(ctx, input);
  }

  @FieldResolver(() => [Service], {
    description: `The provider's active services, by id (its own inactive ones too when the provider or an admin asks); at most ${MAX_ROWS.services}.`,
    complexity: listCost(10, MAX_ROWS.services),
  })
  services(@Ctx() ctx: RequestContext, @Root() provider: Provider): Promise<Service[]> {
    return this.catalog.providerServices(ctx, provider);
  }
}
