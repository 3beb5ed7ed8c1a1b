import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertManages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import { User } from '../accounts/user.entity';
import { MAX_NOTE_LENGTH, assertRoom, checkSlots, parseSlotIds, partySize } from '../booking/booking-rules';
import type { BookingService } from '../booking/booking.service';
import { BookingMode } from '../catalog/service.enums';
import type { Clock } from '../core/clock';
import { inJobTransaction, inTransaction, type RequestContext } from '../core/context';
import { DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { addJobs, removeJob, requeuedIfEarly, type Job } from '../core/jobs';
import { optionalText } from '../core/validate';
import { announceProposal } from '../live/live-events';
import type { ProposalMailKind } from '../notifications/proposal-mail';
import type { NotificationService } from '../notifications/notification.service';
import { Proposal } from './proposal.entity';
import { ProposalStatus } from './proposal.enums';
import type { ProposalInput } from './proposal.inputs';
import { MAX_ROWS } from '../core/limits';

export const EXPIRE_PROPOSAL = 'expire_proposal';
const expiryKey = (proposalId: number) => `proposal-expiry:${proposalId}`;

/** Proposals on APPROVAL services: the customer proposes, the provider accepts or declines, time ends the rest. */
export class ProposalService {
  constructor(
    private readonly bookings: BookingService,
    private readonly notifications: NotificationService,
    private readonly ttlHours: number,
    private readonly clock: Clock,
  ) {}

  /** Checks the slots and party as `book` would, takes no seats, and waits for the provider until it expires. */
  async propose(ctx: RequestContext, input: ProposalInput): Promise<Proposal> {
    const actor = requireActor(ctx);
    const slotIds = parseSlotIds(input.slotIds);
    const message = optionalText('message', input.message, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const { service, slots, party } = await this.bookings.checkRequest(tx, actor.userId, slotIds, input.party, BookingMode.APPROVAL);
      const now = tx.clock.now().getTime();
      const firstStart = Math.min(...slots.map((slot) => slot.startsAt.getTime()));
      const expiresAt = new Date(Math.min(now + this.ttlHours * 3_600_000, firstStart - service.cutoffHours * 3_600_000));
      const proposal = tx.em.create(Proposal, { service, customer: tx.em.getReference(User, actor.userId), ...party, message, expiresAt });
      proposal.slots.set(slots);
      await tx.em.flush();
      await addJobs(tx.em, [this.expiryJob(proposal)]);
      await this.changed(tx, proposal, 'received');
      return proposal;
    });
  }

  /** Makes the booking exactly as `book` would (CAPACITY_EXCEEDED if the seats are gone; the proposal then stays PENDING). */
  async accept(ctx: RequestContext, id: string): Promise<Proposal> {
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.lockPending(tx, id);
      const service = await proposal.service.loadOrFail();
      await assertManages(tx, service.provider);
      const party = { adults: proposal.adults, children: proposal.children, infants: proposal.infants };
      const slotIds = proposal.slots.getItems().map((slot) => slot.id);
      const slots = checkSlots(slotIds, proposal.slots.getItems(), service, partySize(party), tx.clock.now());
      assertRoom(slots, partySize(party));
      const booking = await this.bookings.open(tx, { service, customerId: proposal.customer.id, slots, party, notes: proposal.message });
      proposal.status = ProposalStatus.ACCEPTED;
      proposal.booking = ref(booking);
      await removeJob(tx.em, expiryKey(proposal.id));
      await this.changed(tx, proposal, 'accepted');
      return proposal;
    });
  }

  async decline(ctx: RequestContext, id: string, reasonInput?: string | null): Promise<Proposal> {
    const reason = optionalText('reason', reasonInput, MAX_NOTE_LENGTH);
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.lockPending(tx, id);
      await assertManages(tx, (await proposal.service.loadOrFail()).provider);
      proposal.status = ProposalStatus.DECLINED;
      proposal.declineReason = reason;
      await removeJob(tx.em, expiryKey(proposal.id));
      await this.changed(tx, proposal, 'declined');
      return proposal;
    });
  }

  async withdraw(ctx: RequestContext, id: string): Promise<Proposal> {
    const actor = requireActor(ctx);
    return inTransaction(ctx, async (tx) => {
      const proposal = await this.lockPending(tx, id);
      if (proposal.customer.id !== actor.userId) throw new Forbidden('Only the customer who proposed can withdraw');
      proposal.status = ProposalStatus.WITHDRAWN;
      await removeJob(tx.em, expiryKey(proposal.id));
      await this.changed(tx, proposal, 'withdrawn');
      return proposal;
    });
  }

  /** The EXPIRE_PROPOSAL job: a proposal still pending at its expiry becomes EXPIRED. */
  async expire(em: EntityManager, proposalId: number): Promise<void> {
    await inJobTransaction(em, this.clock, async (tx) => {
      const proposal = await tx.em.findOne(Proposal, proposalId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!proposal || proposal.status !== ProposalStatus.PENDING) return;
      if (await requeuedIfEarly(tx, this.expiryJob(proposal))) return;
      proposal.status = ProposalStatus.EXPIRED;
      await this.changed(tx, proposal, 'expired');
    });
  }

  private expiryJob(proposal: Proposal): Job & { runAt: Date } {
    return { task: EXPIRE_PROPOSAL, payload: { proposalId: proposal.id }, runAt: proposal.expiresAt, jobKey: expiryKey(proposal.id) };
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

  /** A pending proposal, locked; one already answered or past its expiry is INVALID_TRANSITION. */
  private async lockPending(tx: RequestContext, id: string): Promise<Proposal> {
    const proposal = await tx.em.findOne(Proposal, parseId('id', id), { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!proposal) throw new NotFound('Proposal', id);
    await this.assertParty(tx, proposal);
    if (proposal.status !== ProposalStatus.PENDING) throw new DomainError('INVALID_TRANSITION', `This proposal is already ${proposal.status.toLowerCase()}`);
    if (proposal.expiresAt <= tx.clock.now()) throw new DomainError('INVALID_TRANSITION', 'This proposal has expired');
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

  private async changed(tx: RequestContext, proposal: Proposal, mail: ProposalMailKind): Promise<void> {
    const provider = await (await proposal.service.loadOrFail()).provider.loadOrFail();
    await this.notifications.proposalChanged(tx, proposal, mail);
    await announceProposal(tx.em, { proposalId: proposal.id, customerId: proposal.customer.id, providerUserId: provider.user.id, at: tx.clock.now().toISOString() });
  }
}
