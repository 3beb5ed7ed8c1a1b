import { ref, type FilterQuery } from '@mikro-orm/core';
import {
  actingForNote,
  actingProvider,
  assertManages,
  manages,
  managesUserOf,
  providerActedFor,
} from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { paginate, type Page, type PageArgs } from '../graphql/connection';
import { AuditSubject } from '../core/audit';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import type { Events } from '../events';
import { BadInput, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { formatAmount, parseAmount, parseCurrency } from '../core/money';
import { intInRange, optionalText, rate, text } from '../core/validate';
import { parseZone } from '../core/zoned-time';
import { run } from '../core/sql';
import { MAX_EMBED_ORIGINS, parseEmbedOrigin } from './embed-origins';
import { microsoftConnected, offersActiveService } from './catalog.sql';
import { parseQuestions } from './service-questions';
import type { ServiceInput, ServiceUpdateInput } from './service.inputs';
import { Service } from './service.entity';
import { MeetingProvider } from './service.enums';
import { MAX_ROWS } from '../graphql/limits';

export const LIMITS = {
  capacity: 100_000,
  durationMinutes: 7 * 24 * 60,
  cutoffHours: 24 * 365,
  advanceDays: 3 * 366,
  bufferMinutes: 24 * 60,
};

/** Copies the given fields, each checked and named, onto the service: never a blind assignment. */
/** How many meeting providers a service lets its customers choose from at most. */
const MAX_MEETING_CHOICES = 6;

/**
 * The meeting providers that need server settings (Zoom's account, Whereby's key, Teams with the Microsoft
 * app): whether this server has them, and what they are, for the refusal when it does not.
 */
export type MeetingSettings = Partial<Record<MeetingProvider, { configured: boolean; needs: string }>>;

/** A meeting provider a service may offer: one that needs settings only on a server that has them. */
function meetingProvider(field: string, provider: MeetingProvider, settings: MeetingSettings): MeetingProvider {
  const needed = settings[provider];
  if (needed && !needed.configured)
    throw new BadInput(field, `${provider} is not available: this server has no ${needed.needs}`);
  return provider;
}

/** Sets what an update gives of the listing and its prices, each checked. */
function applyListing(service: Service, input: ServiceUpdateInput): void {
  if (input.name != null) service.name = text('name', input.name, 200, { singleLine: true });
  if (input.description !== undefined) service.description = optionalText('description', input.description, 10_000);
  if (input.category !== undefined)
    service.category = optionalText('category', input.category, 100)?.toLowerCase() ?? null;
  if (input.durationMinutes != null)
    service.durationMinutes = intInRange('durationMinutes', input.durationMinutes, 1, LIMITS.durationMinutes);
  if (input.capacity != null) service.capacity = intInRange('capacity', input.capacity, 1, LIMITS.capacity);
  if (input.priceAmount != null) service.priceAmount = parseAmount('priceAmount', input.priceAmount, service.currency);
  if (input.childRate != null) service.childRateValue = rate('childRate', input.childRate, 1);
  if (input.infantRate != null) service.infantRateValue = rate('infantRate', input.infantRate, 1);
  if (input.taxRate != null) service.taxRateValue = rate('taxRate', input.taxRate, 1);
  if (input.lateCancellationRefund != null)
    service.lateCancellationRefundValue = rate('lateCancellationRefund', input.lateCancellationRefund, 1);
}

/** Sets what an update gives of how the service is booked: its mode, payment, party sizes and booking window. */
function applyBookingWindow(service: Service, input: ServiceUpdateInput): void {
  if (input.bookingMode != null) service.bookingMode = input.bookingMode;
  if (input.requiresPayment != null) service.requiresPayment = input.requiresPayment;
  if (input.minPartySize != null)
    service.minPartySize = intInRange('minPartySize', input.minPartySize, 1, LIMITS.capacity);
  if (input.maxPartySize != null)
    service.maxPartySize = intInRange('maxPartySize', input.maxPartySize, 1, LIMITS.capacity);
  if (input.cutoffHours != null)
    service.cutoffHours = intInRange('cutoffHours', input.cutoffHours, 0, LIMITS.cutoffHours);
  if (input.advanceDays != null)
    service.advanceDays = intInRange('advanceDays', input.advanceDays, 1, LIMITS.advanceDays);
}

/** Sets what an update gives of the meeting providers: each one this server offers, none named twice. */
function applyMeetings(service: Service, input: ServiceUpdateInput, configured: MeetingSettings): void {
  if (input.meetingProvider != null)
    service.meetingProvider = meetingProvider('meetingProvider', input.meetingProvider, configured);
  if (input.meetingProviders == null) return;
  if (input.meetingProviders.length > MAX_MEETING_CHOICES)
    throw new BadInput('meetingProviders', `at most ${MAX_MEETING_CHOICES} providers`);
  if (new Set(input.meetingProviders).size !== input.meetingProviders.length)
    throw new BadInput('meetingProviders', 'a provider is named twice');
  service.meetingProviders = input.meetingProviders.map((choice) =>
    meetingProvider('meetingProviders', choice, configured),
  );
}

/** Sets what an update gives of a customer's bookings side by side: how many, overlapping, the buffers between. */
function applyBookingLimits(service: Service, input: ServiceUpdateInput): void {
  if (input.maxActiveBookingsPerCustomer != null) {
    service.maxActiveBookingsPerCustomer = intInRange(
      'maxActiveBookingsPerCustomer',
      input.maxActiveBookingsPerCustomer,
      0,
      LIMITS.capacity,
    );
  }
  if (input.allowOverlappingBookings != null) service.allowOverlappingBookings = input.allowOverlappingBookings;
  if (input.bufferBeforeMinutes != null)
    service.bufferBeforeMinutes = intInRange('bufferBeforeMinutes', input.bufferBeforeMinutes, 0, LIMITS.bufferMinutes);
  if (input.bufferAfterMinutes != null)
    service.bufferAfterMinutes = intInRange('bufferAfterMinutes', input.bufferAfterMinutes, 0, LIMITS.bufferMinutes);
}

/** Sets each field an update gives, checked in the order its refusals are reported. */
function applyTerms(service: Service, input: ServiceUpdateInput, configured: MeetingSettings): void {
  applyListing(service, input);
  applyBookingWindow(service, input);
  applyMeetings(service, input, configured);
  applyBookingLimits(service, input);
  if (input.active != null) service.active = input.active;
  if (input.questions != null) service.questions = parseQuestions(input.questions);
  if (service.minPartySize > service.maxPartySize) throw new BadInput('minPartySize', 'must not exceed maxPartySize');
}

/** An ILIKE pattern for a search text (its own % and _ match literally); null for no search. */
function likePattern(search: string | null | undefined): string | null {
  return search?.trim()
    ? `%${search
        .trim()
        .slice(0, 200)
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    : null;
}

const BIO_LENGTH = 5_000;

/** Whether the caller may see a service: an inactive (unpublished) one only its provider and admins may. */
export async function isVisible(ctx: RequestContext, service: Pick<Service, 'active' | 'provider'>): Promise<boolean> {
  return service.active || manages(ctx, service.provider);
}

/** isVisible for a service read as a row: whether it is active, and its provider's user. */
export const isVisibleRow = (ctx: RequestContext, active: boolean, ownerUserId: number): boolean =>
  active || managesUserOf(ctx, ownerUserId);

type ServiceFilter = { search?: string | null; category?: string | null; providerId?: string | null };
const BY_ID = { id: 'asc' } as const;

function servicesWhere(filter: ServiceFilter): FilterQuery<Service> {
  const where: FilterQuery<Service> = { active: true };
  const pattern = likePattern(filter.search);
  if (pattern) {
    where.$or = [
      { name: { $ilike: pattern } },
      { description: { $ilike: pattern } },
      { provider: { name: { $ilike: pattern } } },
    ];
  }
  if (filter.category?.trim()) where.category = filter.category.trim().toLowerCase();
  if (filter.providerId) where.provider = parseId('providerId', filter.providerId);
  return where;
}

/** What an audit entry keeps of a service: its terms, amounts in the currency's format. */
export function serviceSnapshot(service: Service): object {
  return {
    name: service.name,
    category: service.category ?? null,
    timezone: service.timezone,
    durationMinutes: service.durationMinutes,
    capacity: service.capacity,
    price: formatAmount(service.priceAmount, service.currency),
    currency: service.currency,
    childRate: service.childRateValue,
    infantRate: service.infantRateValue,
    taxRate: service.taxRateValue,
    bookingMode: service.bookingMode,
    requiresPayment: service.requiresPayment,
    minPartySize: service.minPartySize,
    maxPartySize: service.maxPartySize,
    cutoffHours: service.cutoffHours,
    advanceDays: service.advanceDays,
    maxActiveBookingsPerCustomer: service.maxActiveBookingsPerCustomer,
    allowOverlappingBookings: service.allowOverlappingBookings,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    meetingProvider: service.meetingProvider,
    meetingProviders: service.meetingProviders,
    active: service.active,
    questions: service.questions,
  };
}

/** What can be booked: services and the providers who publish them. */
export class CatalogService {
  /** `meetings`: the meeting providers that need settings, and whether this server has them. */
  constructor(
    private readonly events: Events,
    private readonly meetings: MeetingSettings,
  ) {}

  /**
   * A Teams meeting is made by the booking's event in the provider's Microsoft 365 calendar: choosing it
   * needs Teams on this server and a connected (ACTIVE) Microsoft account.
   */
  private async checkTeams(tx: TxContext, providerId: number, input: ServiceUpdateInput): Promise<void> {
    const teams = MeetingProvider.MICROSOFT_TEAMS;
    const field =
      input.meetingProvider === teams
        ? 'meetingProvider'
        : input.meetingProviders?.includes(teams)
          ? 'meetingProviders'
          : undefined;
    if (!field) return;
    const [{ connected }] = await run(tx.em, microsoftConnected(providerId));
    if (!connected)
      throw new BadInput(
        field,
        'MICROSOFT_TEAMS needs a connected Microsoft 365 account: connect one first (connectMicrosoftCalendar)',
      );
  }

  async createService(ctx: RequestContext, input: ServiceInput): Promise<Service> {
    return inTransaction(ctx, async (tx) => {
      const provider = await providerActedFor(tx, input.providerId);
      // Provider.services lists them all: its bound is this one.
      if ((await tx.em.count(Service, { provider })) >= MAX_ROWS.services)
        throw new BadInput(
          'input',
          `a provider has at most ${MAX_ROWS.services} services: deactivate and edit one instead`,
        );
      const service = new Service();
      service.provider = ref(provider);
      service.timezone = parseZone('timezone', input.timezone);
      service.currency = parseCurrency('currency', input.currency);
      service.maxPartySize = input.maxPartySize ?? intInRange('capacity', input.capacity, 1, LIMITS.capacity);
      applyTerms(service, input, this.meetings);
      await this.checkTeams(tx, provider.id, input);
      await tx.em.persist(service).flush();
      await this.changed(tx, service, 'service.created', null);
      return service;
    });
  }

  async updateService(ctx: RequestContext, id: string, input: ServiceUpdateInput): Promise<Service> {
    return inTransaction(ctx, async (tx) => {
      const service = await this.getService(tx, id);
      await assertManages(tx, service.provider);
      const before = serviceSnapshot(service);
      applyTerms(service, input, this.meetings);
      await this.checkTeams(tx, service.provider.id, input);
      await tx.em.flush();
      await this.changed(tx, service, 'service.updated', before);
      return service;
    });
  }

  private async changed(tx: TxContext, service: Service, action: string, before: object | null): Promise<void> {
    await this.events.publish(tx, 'recordChanged', {
      subject: AuditSubject.SERVICE,
      id: service.id,
      action,
      before,
      after: serviceSnapshot(service),
      reason: await actingForNote(tx, service.provider),
    });
  }

  /** A service the caller may see (see isVisible), else NOT_FOUND: an unpublished one is not shown to exist. */
  async getService(ctx: RequestContext, id: string): Promise<Service> {
    const service = await this.findService(ctx, id);
    if (!service) throw new NotFound('Service', id);
    return service;
  }

  async findService(ctx: RequestContext, id: string): Promise<Service | null> {
    const service = await ctx.em.findOne(Service, parseId('id', id));
    return service && (await isVisible(ctx, service)) ? service : null;
  }

  /** Active services matching a name/description search, a category and a provider. */
  async listServices(ctx: RequestContext, filter: ServiceFilter): Promise<Service[]> {
    return ctx.em.find(Service, servicesWhere(filter), { orderBy: BY_ID, limit: MAX_ROWS.services });
  }

  listServicesConnection(ctx: RequestContext, filter: ServiceFilter, page: PageArgs): Promise<Page<Service>> {
    return paginate(ctx.em, Service, servicesWhere(filter), BY_ID, page);
  }

  /** Providers with at least one active service (in `category`, if given) whose name or bio matches `search`, by name. */
  async listProviders(
    ctx: RequestContext,
    filter: { search?: string | null; category?: string | null },
  ): Promise<Provider[]> {
    const category = filter.category?.trim().toLowerCase() || null;
    const pattern = likePattern(filter.search);
    const active = offersActiveService(category);
    const qb = ctx.em
      .createQueryBuilder(Provider, 'p')
      .select('p.*')
      .where(active.sql, active.params)
      .orderBy({ name: 'asc', id: 'asc' })
      .limit(MAX_ROWS.providers);
    if (pattern) qb.andWhere('(p.name ilike ? or p.bio ilike ?)', [pattern, pattern]);
    return qb.getResultList();
  }

  /** The calling provider changes its public name and bio. */
  async updateProviderProfile(
    ctx: RequestContext,
    input: { name?: string | null; bio?: string | null; embedOrigins?: string[] | null },
  ): Promise<Provider> {
    const name = input.name == null ? null : text('name', input.name, 200, { singleLine: true });
    const bio = input.bio === undefined ? undefined : optionalText('bio', input.bio, BIO_LENGTH);
    if (input.embedOrigins && input.embedOrigins.length > MAX_EMBED_ORIGINS)
      throw new BadInput('embedOrigins', `at most ${MAX_EMBED_ORIGINS} sites`);
    const embedOrigins = input.embedOrigins?.map((origin, index) => parseEmbedOrigin(`embedOrigins.${index}`, origin));
    return inTransaction(ctx, async (tx) => {
      const provider = await actingProvider(tx);
      if (name) provider.name = name;
      if (bio !== undefined) provider.bio = bio;
      if (embedOrigins) provider.embedOrigins = [...new Set(embedOrigins)];
      return provider;
    });
  }

  async findProvider(ctx: RequestContext, id: string): Promise<Provider | null> {
    return ctx.em.findOne(Provider, parseId('id', id));
  }

  /** The provider's active services; to the provider itself and admins, the inactive ones too. */
  async providerServices(ctx: RequestContext, provider: Provider): Promise<Service[]> {
    const services = (await provider.services.load()).getItems().slice(0, MAX_ROWS.services);
    return (await manages(ctx, ref(provider))) ? services : services.filter((service) => service.active);
  }
}
