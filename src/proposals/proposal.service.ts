import { LockMode, ref } from '@mikro-orm/core';
import { assertManages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { parseAnswers } from '../booking/answers';
import { MAX_NOTE_LENGTH, checkSlots, parseSlotIds } from '../booking/booking-rules';
import type { Offer } from '../booking/booking-plan';
import type { BookingService } from '../booking/booking.service';
import { Service } from '../catalog/service.entity';
import { BookingMode } from '../catalog/service.enums';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { BadInput, DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { parseAmount } from '../core/money';
import { requeuedIfEarly } from '../core/jobs';
import type { Events } from '../events';
import { jobKeys, jobs } from '../jobs';
import { optionalText } from '../core/validate';
import type { ProposalMailKind } from '../notifications/proposal-mail';
import { Slot } from '../scheduling/slot.entity';
import type { BookableService } from '../booking/bookable';
import { Proposal } from './proposal.entity';
import { proposalSnapshot } from './proposal-events';
import { ProposalStatus } from './proposal.enums';
import { PROPOSAL_STATES } from './proposal.state';
import type { ProposalInput } from './proposal.inputs';
import { MAX_ROWS } from '../graphql/limits';

/** Statuses in which a proposal still waits for an answer (and its expiry job stands). */
const LIVE: readonly ProposalStatus[] = [ProposalStatus.PENDING, ProposalStatus.COUNTERED];

/** Proposals on APPROVAL services: the customer proposes, the provider accepts, declines or counters, time ends the rest. */
export class ProposalService {
  constructor(
    private readonly bookings: BookingService,
    private readonly events: Events,
    private readonly ttlHours: number,
  ) {}

  /** Checks the slots and party as `book` would, takes no seats, and waits for the provider until it expires. */
  async propose(ctx: RequestContext, input: ProposalInput): Promise<Proposal> {
    const actor = requireActor(ctx);
    const slotIds = parseSlotIds(input.slotIds);
    const message = optionalText('message', input.message, MAX_NOTE_LENGTH);
    const { service, slots, terms } = await this.bookings.plan(
      ctx,
      actor.userId,
      slotIds,
      input.party,
      BookingMode.APPROVAL,
    );
    const answers = parseAnswers(service.questions, input.answers);
    return inTransaction(ctx, async (tx) => {
      const party = { adults: terms.adults, children: terms.children, infants: terms.infants };
      const expiresAt = this.expiry(tx, terms.startsAt, service);
      // The plan read plain rows: the proposal names its service and slots by reference.
      const proposal = tx.em.create(Proposal, {
        service: tx.em.getReference(Service, service.id),
        customer: tx.em.getReference(User, actor.userId),
        ...party,
        terms: terms.agreed,
        lines: terms.lines,
        message,
        answers,
        expiresAt,
      });
      proposal.slots.set(slots.map((slot) => tx.em.getReference(Slot, slot.id)));
      await tx.em.flush();
      tx.effects.addJob(jobs.proposalExpiry(proposal.id, proposal.expiresAt));
      await this.changed(tx, proposal, 'received', null);
      return proposal;
    });
  }

  /**
   * Makes the booking exactly as `book` would, at the price proposed (CAPACITY_EXCEEDED if the seats are
   * gone; the proposal then stays PENDING). A provider who wants another price counter-proposes with it.
   */
  async accept(ctx: RequestContext, id: string): Promise<Proposal> {
    const proposal = await this.live(ctx, id, false, [ProposalStatus.PENDING]);
    await assertManages(ctx, (await proposal.service.loadOrFail()).provider);
    const offer = { terms: proposal.terms, lines: proposal.lines };
    return this.book(ctx, id, proposal, proposal.slots.getItems(), offer, ProposalStatus.PENDING, 'accepted');
  }

  /**
   * The provider offers other slots of the service (or the same ones) to the same party instead, checked as
   * a proposal's are, at the service's terms today and, when given, another adult price per slot; the
   * customer then has until the new expiry (the time to live, or the first new slot's cutoff) to accept it,
   * at that price.
   */
  async counter(
    ctx: RequestContext,
    id: string,
    slotIdsInput: string[],
    messageInput?: string | null,
    priceInput?: string | null,
  ): Promise<Proposal> {
    const slotIds = parseSlotIds(slotIdsInput);
    const message = optionalText('message', messageInput, MAX_NOTE_LENGTH);
    const proposal = await this.live(ctx, id, false, [ProposalStatus.PENDING]);
    const service = await proposal.service.loadOrFail();
    await assertManages(ctx, service.provider);
    const price = priceInput == null ? null : parseAmount('priceAmount', priceInput, service.currency);
    const party = { adults: proposal.adults, children: proposal.children, infants: proposal.infants };
    const plan = await this.bookings.plan(ctx, proposal.customer.id, slotIds, party, BookingMode.APPROVAL, price);
    if (plan.service.id !== service.id) throw new BadInput('slotIds', "must be slots of the proposal's service");
    return inTransaction(ctx, async (tx) => {
      const locked = await this.live(tx, id, true, [ProposalStatus.PENDING]);
      const before = await proposalSnapshot(locked);
      this.move(locked, ProposalStatus.COUNTERED);
      locked.counterSlots.set(plan.slots.map((slot) => tx.em.getReference(Slot, slot.id)));
      locked.counterTerms = plan.terms.agreed;
      locked.counterLines = plan.terms.lines;
      locked.counterMessage = message;
      locked.expiresAt = this.expiry(tx, plan.terms.startsAt, service);
      tx.effects.addJob(jobs.proposalExpiry(locked.id, locked.expiresAt));
      await this.changed(tx, locked, 'countered', before, message ?? null);
      return locked;
    });
  }

  /** The customer takes the counter-offer: its slots are booked exactly as `acceptProposal` books a proposal's. */
  async acceptCounter(ctx: RequestContext, id: string): Promise<Proposal> {
    const actor = requireActor(ctx);
    const proposal = await this.live(ctx, id, false, [ProposalStatus.COUNTERED]);
    if (proposal.customer.id !== actor.userId)
      throw new Forbidden('Only the customer who proposed can accept the counter-offer');
    await proposal.counterSlots.init();
    const offer = { terms: proposal.counterTerms!, lines: proposal.counterLines! };
    return this.book(
      ctx,
      id,
      proposal,
      proposal.counterSlots.getItems(),
      offer,
      ProposalStatus.COUNTERED,
      'counter_accepted',
    );
  }

  /**
   * Books `slots` for the proposal's party at the price agreed (`offer`) and marks it ACCEPTED, if it is
   * still in status `from` once locked.
   */
  private async book(
    ctx: RequestContext,
    id: string,
    proposal: Proposal,
    slots: Slot[],
    offer: Offer,
    from: ProposalStatus,
    kind: ProposalMailKind,
  ): Promise<Proposal> {
    const service = await proposal.service.loadOrFail();
    const party = { adults: proposal.adults, children: proposal.children, infants: proposal.infants };
    const checked = checkSlots(
      slots.map((slot) => slot.id),
      slots,
      service,
      ctx.clock.now(),
    );
    const plan = {
      ...this.bookings.planFor(ctx, service, proposal.customer.id, checked, party, { offer }),
      notes: proposal.message,
      answers: proposal.answers,
    };
    return this.bookings.place(ctx, plan, async (tx, place) => {
      const locked = await this.live(tx, id, true, [from]);
      const before = await proposalSnapshot(locked);
      const booking = await place(tx);
      this.move(locked, ProposalStatus.ACCEPTED);
      locked.booking = ref(booking);
      await this.changed(tx, locked, kind, before);
      return locked;
    });
  }

  async decline(ctx: RequestContext, id: string, reasonInput?: string | null): Promise<Proposal> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.live(tx, id, true, [ProposalStatus.PENDING]);
      await assertManages(tx, (await proposal.service.loadOrFail()).provider);
      const before = await proposalSnapshot(proposal);
      this.move(proposal, ProposalStatus.DECLINED);
      proposal.declineReason = reason;
      await this.changed(tx, proposal, 'declined', before, reason);
      return proposal;
    });
  }

  async withdraw(ctx: RequestContext, id: string): Promise<Proposal> {
    const actor = requireActor(ctx);
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.live(tx, id, true, LIVE);
      if (proposal.customer.id !== actor.userId) throw new Forbidden('Only the customer who proposed can withdraw');
      const before = await proposalSnapshot(proposal);
      this.move(proposal, ProposalStatus.WITHDRAWN);
      await this.changed(tx, proposal, 'withdrawn', before);
      return proposal;
    });
  }

  /** The expire_proposal job: a proposal still pending (or countered) at its expiry becomes EXPIRED. */
  async expire(ctx: RequestContext, proposalId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const proposal = await tx.em.findOne(Proposal, proposalId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!proposal || !LIVE.includes(proposal.status)) return;
      if (requeuedIfEarly(tx, jobs.proposalExpiry(proposal.id, proposal.expiresAt))) return;
      PROPOSAL_STATES.assertMove(proposal.status, ProposalStatus.EXPIRED, 'server');
      const before = await proposalSnapshot(proposal);
      proposal.status = ProposalStatus.EXPIRED;
      await this.changed(tx, proposal, 'expired', before);
    });
  }

  /** The earlier of the time to live from now and the cutoff of the first slot. */
  private expiry(ctx: RequestContext, startsAt: Date, service: BookableService): Date {
    return new Date(
      Math.min(
        ctx.clock.now().getTime() + this.ttlHours * 3_600_000,
        startsAt.getTime() - service.cutoffHours * 3_600_000,
      ),
    );
  }

  /** A person's move on a live proposal. */
  private move(proposal: Proposal, to: ProposalStatus): void {
    PROPOSAL_STATES.assertMove(proposal.status, to, 'user');
    proposal.status = to;
  }

  /** Incoming: the proposals on the caller's services (all, for an admin). Otherwise the caller's own. */
  async list(ctx: RequestContext, incoming: boolean, status?: ProposalStatus | null): Promise<Proposal[]> {
    const actor = requireActor(ctx);
    const where: Record<string, unknown> = status ? { status } : {};
    if (!incoming) where.customer = actor.userId;
    else if (actor.role !== Role.ADMIN) {
      const provider = await ctx.em.findOne(Provider, { user: actor.userId });
      if (!provider) return [];
      where.service = { provider };
    }
    return ctx.em.find(Proposal, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: MAX_ROWS.proposals });
  }

  /** A proposal in one of `statuses` (locked inside a transaction); any other, or one past its expiry, is INVALID_TRANSITION. */
  private async live(
    ctx: RequestContext,
    id: string,
    lock: boolean,
    statuses: readonly ProposalStatus[],
  ): Promise<Proposal> {
    const proposal = await ctx.em.findOne(
      Proposal,
      parseId('id', id),
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
    );
    if (!proposal) throw new NotFound('Proposal', id);
    await this.assertParty(ctx, proposal);
    if (!statuses.includes(proposal.status))
      throw new DomainError('INVALID_TRANSITION', `This proposal is ${proposal.status.toLowerCase()}`);
    if (proposal.expiresAt <= ctx.clock.now()) throw new DomainError('INVALID_TRANSITION', 'This proposal has expired');
    await proposal.slots.init();
    return proposal;
  }

  /** A proposal is its customer's, its service's provider's and the admins'. */
  async assertParty(ctx: RequestContext, proposal: Proposal): Promise<void> {
    const actor = requireActor(ctx);
    if (actor.role === Role.ADMIN || proposal.customer.id === actor.userId) return;
    const provider = await (await proposal.service.loadOrFail()).provider.loadOrFail();
    if (provider.user.id !== actor.userId) throw new Forbidden('This proposal is not yours');
  }

  /** Publishes a change of a proposal; `before` is proposalSnapshot of it before the change (null when made). */
  private async changed(
    tx: TxContext,
    proposal: Proposal,
    kind: ProposalMailKind,
    before: object | null,
    reason: string | null = null,
  ): Promise<void> {
    if (!LIVE.includes(proposal.status)) tx.effects.removeJob(jobKeys.proposalExpiry(proposal.id));
    const service = await proposal.service.loadOrFail();
    const provider = await service.provider.loadOrFail();
    await this.events.publish(tx, 'proposalChanged', {
      proposalId: proposal.id,
      status: proposal.status,
      serviceId: service.id,
      customerId: proposal.customer.id,
      providerUserId: provider.user.id,
      kind,
      before,
      after: await proposalSnapshot(proposal),
      reason,
    });
  }
}
