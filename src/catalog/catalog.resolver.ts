import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import type { RequestContext } from '../core/context';
import type { CatalogService } from './catalog.service';
import { ServiceInput, ServiceUpdateInput } from './service.inputs';
import { ProviderProfileInput } from '../accounts/account.inputs';
import { Service } from './service.entity';
import { listCost, MAX_ROWS } from '../core/limits';

@Resolver(() => Service)
export class ServiceResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => [Service], { description: `Active services, by id; at most ${MAX_ROWS.services}.`, complexity: listCost(10) })
  services(
    @Ctx() ctx: RequestContext,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('category', () => String, { nullable: true }) category?: string | null,
    @Arg('providerId', () => ID, { nullable: true }) providerId?: string | null,
  ): Promise<Service[]> {
    return this.catalog.listServices(ctx, { search, category, providerId });
  }

  @Query(() => Service, { nullable: true })
  service(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Service | null> {
    return this.catalog.findService(ctx, id);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => Service)
  createService(@Ctx() ctx: RequestContext, @Arg('input', () => ServiceInput) input: ServiceInput): Promise<Service> {
    return this.catalog.createService(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => Service)
  updateService(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ServiceUpdateInput) input: ServiceUpdateInput,
  ): Promise<Service> {
    return this.catalog.updateService(ctx, id, input);
  }

  @FieldResolver(() => Provider)
  async provider(@Root() service: Service): Promise<Provider> {
    return service.provider.loadOrFail();
  }
}

@Resolver(() => Provider)
export class ProviderResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => Provider, { nullable: true })
  provider(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Provider | null> {
    return this.catalog.findProvider(ctx, id);
  }

  @Query(() => [Provider], { description: `Providers with at least one active service, by name; at most ${MAX_ROWS.providers}.`, complexity: listCost(10) })
  providers(
    @Ctx() ctx: RequestContext,
    @Arg('search', () => String, { nullable: true, description: "Only providers whose name or bio contains this text (case-insensitive)." }) search?: string | null,
    @Arg('category', () => String, { nullable: true, description: 'Only providers with an active service in this category.' }) category?: string | null,
  ): Promise<Provider[]> {
    return this.catalog.listProviders(ctx, { search, category });
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => Provider, { description: "Changes the calling provider's public name and bio." })
  updateProviderProfile(@Ctx() ctx: RequestContext, @Arg('input', () => ProviderProfileInput, { description: 'The fields to change.' }) input: ProviderProfileInput): Promise<Provider> {
    return this.catalog.updateProviderProfile(ctx, input);
  }

  @FieldResolver(() => [Service], { complexity: listCost(10) })
  services(@Ctx() ctx: RequestContext, @Root() provider: Provider): Promise<Service[]> {
    return this.catalog.providerServices(ctx, provider);
  }
}
