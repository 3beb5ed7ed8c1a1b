import Decimal from 'decimal.js';
import { LockMode, ref, type FilterQuery } from '@mikro-orm/core';
import { actingProvider, assertManages, providerActedFor, requireActor } from '../accounts/ownership';
import type { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import type { CatalogService } from '../catalog/catalog.service';
import type { Service } from '../catalog/service.entity';
import { AuditSubject } from '../core/audit';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import { run } from '../core/sql';
import { parseAmount } from '../core/money';
import { intInRange, printable } from '../core/validate';
import type { Events } from '../events';
import { PromoCode, PromoCodeKind } from './promo-code.entity';
import type { PromoCodeInput, PromoCodeUpdateInput } from './promo.inputs';
import { providerCurrencies } from './promo.sql';

export const CODE = /^[A-Z0-9_-]{3,40}$/;
const MAX_USES = 1_000_000;

function parseCode(field: string, value: string): string {
  const code = printable(field, value).trim().toUpperCase();
  if (!CODE.test(code)) throw new BadInput(field, "must be 3 to 40 letters, digits, '-' or '_'");
  return code;
}

/** The percentage (0 < p <= 100, at most 2 decimals) or the amount in `currency` a code takes off. */
function parseValue(kind: PromoCodeKind, value: string, currency: string): string {
  if (kind === PromoCodeKind.PERCENT) {
    if (!/^[0-9]{1,3}(\.[0-9]{1,2})?$/.test(value.trim()) || new Decimal(value).lte(0) || new Decimal(value).gt(100))
      throw new BadInput('value', 'a percentage is more than 0 and at most 100, with at most 2 decimals');
    return new Decimal(value).toString();
  }
  const amount = parseAmount('value', value, currency);
  if (new Decimal(amount).lte(0)) throw new BadInput('value', 'must be more than zero');
  return amount;
}

/** A promo code created, updated or deactivated (`action`): what it was and is, for the provider's webhooks. */
export interface PromoCodeChanged {
  promoCodeId: number;
  providerId: number;
  action: string;
  before: object | null;
  after: object;
}

function snapshot(code: PromoCode): object {
  return {
    code: code.code,
    kind: code.kind,
    value: new Decimal(code.value).toString(),
    serviceId: code.service ? String(code.service.id) : null,
    validFrom: code.validFrom?.toISOString() ?? null,
    validUntil: code.validUntil?.toISOString() ?? null,
    maxUses: code.maxUses ?? null,
    uses: code.uses,
    active: code.active,
  };
}

/** A provider's promo codes: made, listed, changed and deactivated by it (or an admin), used by `book`. */
export class PromoCodeService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly events: Events,
  ) {}

  /** The currency a code's fixed amount is in: its service's, else the one all the provider's services share. */
  private async currencyOf(tx: TxContext, provider: Provider, service: Service | null): Promise<string> {
    if (service) return service.currency;
    const rows = await run(tx.em, providerCurrencies(provider.id));
    if (rows.length !== 1)
      throw new BadInput(
        'serviceId',
        rows.length === 0
          ? 'a fixed amount needs a service to take its currency from: create one first'
          : 'your services use several currencies: a fixed amount names its service',
      );
    return rows[0].currency;
  }

  private window(validFrom: Date | null | undefined, validUntil: Date | null | undefined): void {
    if (validFrom && validUntil && validUntil <= validFrom) throw new BadInput('validUntil', 'must be after validFrom');
  }

  /** Publishes a change of a code: its audit entry (recordChanged) and its webhook (promoCodeChanged). */
  private async recorded(tx: TxContext, code: PromoCode, action: string, before: object | null): Promise<void> {
    const after = snapshot(code);
    await this.events.publish(tx, 'recordChanged', {
      subject: AuditSubject.PROMO_CODE,
      id: code.id,
      action,
      before,
      after,
      reason: null,
    });
    await this.events.publish(tx, 'promoCodeChanged', {
      promoCodeId: code.id,
      providerId: code.provider.id,
      action,
      before,
      after,
    });
  }

  async create(ctx: RequestContext, input: PromoCodeInput): Promise<PromoCode> {
    const code = parseCode('code', input.code);
    this.window(input.validFrom, input.validUntil);
    const maxUses = input.maxUses == null ? null : intInRange('maxUses', input.maxUses, 1, MAX_USES);
    return inTransaction(ctx, async (tx) => {
      let service: Service | null = null;
      let provider: Provider;
      if (input.serviceId != null) {
        service = await this.catalog.getService(tx, input.serviceId);
        await assertManages(tx, service.provider);
        provider = await service.provider.loadOrFail();
      } else provider = await providerActedFor(tx, input.providerId);
      const value = parseValue(input.kind, input.value, await this.currencyOf(tx, provider, service));
      if (await tx.em.count(PromoCode, { provider: provider.id, code }))
        throw new BadInput('code', `you already have a promo code ${code}`);
      const promo = tx.em.create(PromoCode, {
        provider: ref(provider),
        service: service ? ref(service) : null,
        code,
        kind: input.kind,
        value,
        validFrom: input.validFrom ?? null,
        validUntil: input.validUntil ?? null,
        maxUses,
        active: input.active ?? true,
        createdAt: tx.clock.now(),
        updatedAt: tx.clock.now(),
      });
      await tx.em.flush();
      await this.recorded(tx, promo, 'promo_code.created', null);
      return promo;
    });
  }

  /** The codes of one service (with the provider's codes for all services), else all the caller's (an admin's: everyone's). */
  async list(ctx: RequestContext, serviceId?: string | null): Promise<PromoCode[]> {
    const actor = requireActor(ctx);
    const where: FilterQuery<PromoCode> = {};
    if (serviceId != null) {
      const service = await this.catalog.getService(ctx, serviceId);
      await assertManages(ctx, service.provider);
      Object.assign(where, { provider: service.provider.id, $or: [{ service: null }, { service: service.id }] });
    } else if (actor.role !== Role.ADMIN) where.provider = (await actingProvider(ctx)).id;
    return ctx.em.find(PromoCode, where, { orderBy: { id: 'asc' }, limit: MAX_ROWS.promoCodes });
  }

  /** Changes a code for bookings made from now on; those made with it keep what it took off then. */
  async update(ctx: RequestContext, id: string, input: PromoCodeUpdateInput): Promise<PromoCode> {
    return inTransaction(ctx, async (tx) => {
      // The row lock orders the change after (or before) bookings counting a use in the same instant.
      const promo = await tx.em.findOne(PromoCode, parseId('id', id), { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!promo) throw new NotFound('PromoCode', id);
      await assertManages(tx, promo.provider);
      const before = snapshot(promo);
      if (input.kind != null && input.value == null) throw new BadInput('value', 'give the value with a new kind');
      if (input.value != null) {
        const kind = input.kind ?? promo.kind;
        const currency = await this.currencyOf(
          tx,
          await promo.provider.loadOrFail(),
          (await promo.service?.load()) ?? null,
        );
        Object.assign(promo, { kind, value: parseValue(kind, input.value, currency) });
      }
      if (input.validFrom !== undefined) promo.validFrom = input.validFrom;
      if (input.validUntil !== undefined) promo.validUntil = input.validUntil;
      this.window(promo.validFrom, promo.validUntil);
      if (input.maxUses !== undefined) {
        const maxUses = input.maxUses === null ? null : intInRange('maxUses', input.maxUses, 1, MAX_USES);
        if (maxUses !== null && maxUses < promo.uses)
          throw new BadInput('maxUses', `must not be below the ${promo.uses} uses the code has`);
        promo.maxUses = maxUses;
      }
      if (input.active != null) promo.active = input.active;
      promo.updatedAt = tx.clock.now();
      await tx.em.flush();
      const deactivated = (before as { active: boolean }).active && !promo.active;
      await this.recorded(tx, promo, deactivated ? 'promo_code.deactivated' : 'promo_code.updated', before);
      return promo;
    });
  }
}
