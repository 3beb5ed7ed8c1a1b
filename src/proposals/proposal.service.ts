import { LockMode, ref } from '@mikro-orm/core';
import { assertManages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { MAX_NOTE_LENGTH, checkSlots, parseSlotIds } from '../booking/booking-rules';
import type { BookingService } from '../booking/booking.service';
import { BookingMode } from '../catalog/service.enums';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { requeuedIfEarly } from '../core/jobs';
import type { Events } from '../events';
import { jobKeys, jobs } from '../jobs';
import { optionalText } from '../core/validate';
import type { ProposalMailKind } from '../notifications/proposal-mail';
import { Proposal } from './proposal.entity';
import { ProposalStatus } from './proposal.enums';
import { PROPOSAL_STATES } from './proposal.state';
import type { ProposalInput } from './proposal.inputs';
import { MAX_ROWS } from '../core/limits';

/** Proposals on APPROVAL services: the customer proposes, the provider accepts or declines, time ends the rest. */
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
    const { service, slots, terms } = await this.bookings.plan(ctx, actor.userId, slotIds, input.party, BookingMode.APPROVAL);
    return inTransaction(ctx, async (tx) => {
      const now = tx.clock.now().getTime();
      const expiresAt = new Date(Math.min(now + this.ttlHours * 3_600_000, terms.startsAt.getTime() - service.cutoffHours * 3_600_000));
      const party = { adults: terms.adults, children: terms.children, infants: terms.infants };
      const proposal = tx.em.create(Proposal, { service, customer: tx.em.getReference(User, actor.userId), ...party, message, expiresAt });
      proposal.slots.set(slots);
      await tx.em.flush();
      tx.effects.addJob(jobs.proposalExpiry(proposal.id, proposal.expiresAt));
      await this.changed(tx, proposal, 'received');
      return proposal;
    });
  }

  /** Makes the booking exactly as `book` would (CAPACITY_EXCEEDED if the seats are gone; the proposal then stays PENDING). */
  async accept(ctx: RequestContext, id: string): Promise<Proposal> {
    const proposal = await this.pending(ctx, id, false);
    const service = await proposal.service.loadOrFail();
    await assertManages(ctx, service.provider);
    const party = { adults: proposal.adults, children: proposal.children, infants: proposal.infants };
    const slotIds = proposal.slots.getItems().map((slot) => slot.id);
    const slots = checkSlots(slotIds, proposal.slots.getItems(), service, ctx.clock.now());
    const plan = { ...this.bookings.planFor(ctx, service, proposal.customer.id, slots, party), notes: proposal.message };
    return this.bookings.place(ctx, plan, async (tx, place) => {
      const locked = await this.pending(tx, id, true);
      const booking = await place(tx);
      this.move(locked, ProposalStatus.ACCEPTED);
      locked.booking = ref(booking);
      await this.changed(tx, locked, 'accepted');
      return locked;
    });
  }

  async decline(ctx: RequestContext, id: string, reasonInput?: string | null): Promise<Proposal> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.pending(tx, id, true);
      await assertManages(tx, (await proposal.service.loadOrFail()).provider);
      this.move(proposal, ProposalStatus.DECLINED);
      proposal.declineReason = reason;
      await this.changed(tx, proposal, 'declined');
      return proposal;
    });
  }

  async withdraw(ctx: RequestContext, id: string): Promise<Proposal> {
    const actor = requireActor(ctx);
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.pending(tx, id, true);
      if (proposal.customer.id !== actor.userId) throw new Forbidden('Only the customer who proposed can withdraw');
      this.move(proposal, ProposalStatus.WITHDRAWN);
      await this.changed(tx, proposal, 'withdrawn');
      return proposal;
    });
  }

  /** The expire_proposal job: a proposal still pending at its expiry becomes EXPIRED. */
  async expire(ctx: RequestContext, proposalId: number): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const proposal = await tx.em.findOne(Proposal, proposalId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!proposal || proposal.status !== ProposalStatus.PENDING) return;
      if (requeuedIfEarly(tx, jobs.proposalExpiry(proposal.id, proposal.expiresAt))) return;
      PROPOSAL_STATES.assertMove(proposal.status, ProposalStatus.EXPIRED, 'server');
      proposal.status = ProposalStatus.EXPIRED;
      await this.changed(tx, proposal, 'expired');
    });
  }

  /** A person's answer to a pending proposal; the expiry job is then no longer needed. */
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

  /** A pending proposal (locked inside a transaction); one already answered or past its expiry is INVALID_TRANSITION. */
  private async pending(ctx: RequestContext, id: string, lock: boolean): Promise<Proposal> {
    const proposal = await ctx.em.findOne(Proposal, parseId('id', id), lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
    if (!proposal) throw new NotFound('Proposal', id);
    await this.assertParty(ctx, proposal);
    if (proposal.status !== ProposalStatus.PENDING) throw new DomainError('INVALID_TRANSITION', `This proposal is already ${proposal.status.toLowerCase()}`);
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

  private async changed(tx: TxContext, proposal: Proposal, kind: ProposalMailKind): Promise<void> {
    if (proposal.status !== ProposalStatus.PENDING) tx.effects.removeJob(jobKeys.proposalExpiry(proposal.id));
    const provider = await (await proposal.service.loadOrFail()).provider.loadOrFail();
    await this.events.publish(tx, 'proposalChanged', { proposalId: proposal.id, customerId: proposal.customer.id, providerUserId: provider.user.id, kind });
  }
}
