import { ref } from '@mikro-orm/core';
import { actingProvider, assertManages } from '../accounts/ownership';
import { Role } from '../accounts/role';
import type { CatalogService } from '../catalog/catalog.service';
import type { RequestContext } from '../core/context';
import { BadInput, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { optionalText, text } from '../core/validate';
import { daysBetween } from '../core/zoned-time';
import { Blackout } from './blackout.entity';
import type { BlackoutInput } from './scheduling.inputs';

/** Dates on which a service, or all of a provider's services, cannot be booked. */
export class BlackoutService {
  constructor(private readonly catalog: CatalogService) {}

  async createBlackout(ctx: RequestContext, input: BlackoutInput): Promise<Blackout> {
    if (daysBetween(input.startsOn, input.endsOn) < 0) throw new BadInput('endsOn', 'must not be before startsOn');
    const blackout = new Blackout();
    if (input.serviceId) {
      const service = await this.catalog.getService(ctx, input.serviceId);
      await assertManages(ctx, service.provider);
      blackout.service = ref(service);
      blackout.provider = service.provider;
    } else {
      if (ctx.actor?.role === Role.ADMIN) throw new BadInput('serviceId', 'an admin must name the service');
      blackout.provider = ref(await actingProvider(ctx));
    }
    blackout.startsOn = input.startsOn;
    blackout.endsOn = input.endsOn;
    blackout.kind = input.kind;
    blackout.name = text('name', input.name, 200, { singleLine: true });
    blackout.description = optionalText('description', input.description, 10_000);
    await ctx.em.transactional(async (em) => em.persist(blackout));
    return blackout;
  }

  async deleteBlackout(ctx: RequestContext, id: string): Promise<boolean> {
    return ctx.em.transactional(async (em) => {
      const blackout = await em.findOne(Blackout, parseId('id', id));
      if (!blackout) throw new NotFound('Blackout', id);
      await assertManages(ctx, blackout.provider);
      em.remove(blackout);
      return true;
    });
  }
}
