import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS } from '../graphql/limits';
import { PromoCode } from './promo-code.entity';
import { PromoCodeInput, PromoCodeUpdateInput } from './promo.inputs';
import type { PromoCodeService } from './promo.service';

@Resolver(() => PromoCode)
export class PromoCodeResolver {
  constructor(private readonly codes: PromoCodeService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [PromoCode], {
    description: `Promo codes, oldest first: of one service (with its provider's codes for all services), else all of the caller's (an admin's: everyone's); at most ${MAX_ROWS.promoCodes}.`,
    complexity: listCost(3, MAX_ROWS.promoCodes),
  })
  promoCodes(
    @Ctx() ctx: RequestContext,
    @Arg('serviceId', () => ID, { nullable: true, description: 'Only the codes this service can use.' })
    serviceId?: string | null,
  ): Promise<PromoCode[]> {
    return this.codes.list(ctx, serviceId);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => PromoCode, {
    description:
      "Creates a promo code for one of the provider's services or all of them; customers name it in book's promoCode.",
  })
  createPromoCode(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => PromoCodeInput, { description: 'The code and what it takes off.' }) input: PromoCodeInput,
  ): Promise<PromoCode> {
    return this.codes.create(ctx, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => PromoCode, {
    description: 'Changes a promo code for bookings made from now on; bookings made with it keep their price.',
  })
  updatePromoCode(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The promo code.' }) id: string,
    @Arg('input', () => PromoCodeUpdateInput, { description: 'What changes.' }) input: PromoCodeUpdateInput,
  ): Promise<PromoCode> {
    return this.codes.update(ctx, id, input);
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => PromoCode, {
    description:
      'Deactivates a promo code: no new booking can use it (updatePromoCode with active true turns it on again); bookings made with it keep their price.',
  })
  deactivatePromoCode(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The promo code.' }) id: string,
  ): Promise<PromoCode> {
    return this.codes.update(ctx, id, { active: false });
  }

  @FieldResolver(() => Service, {
    nullable: true,
    description: "The one service it is for; null: all of the provider's.",
  })
  service(@Root() code: PromoCode): Promise<Service | null> | null {
    return code.service ? code.service.load() : null;
  }
}
