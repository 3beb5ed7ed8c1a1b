import {
  AcceptProposalDocument,
  BookingDocument,
  DeclineProposalDocument,
  ProposalChangedDocument,
  ProposalsDocument,
  ProposeDocument,
  WithdrawProposalDocument,
  type ProposalInput,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  runJobsNow,
  serviceWithSlots,
  signUp,
  startWithStripe,
  stopAll,
  storedMails,
  type Account,
} from './support/fixtures';
import { liveClient, Subscription, subscribed } from './support/live';
import { drawingAgain } from './support/references';
import { codes, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let customer: Account;
const clock = new TestClock();

beforeAll(async () => ({ stripe, server, owner, customer } = await startWithStripe({ proposalTtlHours: 48 }, clock)));
afterAll(() => stopAll(server, stripe));

async function approvalSlots(input: Parameters<typeof createService>[2] = {}) {
  return (await serviceWithSlots(server, owner, { bookingMode: 'APPROVAL', capacity: 4, ...input }, 5, 6)).slots;
}

const propose = (input: ProposalInput, who: Account = customer) =>
  server.request(ProposeDocument, { input }, who.token);
const mailsTo = (email: string) => storedMails(server, email);

describe('proposals', () => {
  it('go from proposal to acceptance to payment to a confirmed booking, live for both sides and for nobody else', async () => {
    const slots = await approvalSlots({ requiresPayment: true, priceAmount: '30.00' });
    const stranger = await signUp(server, 'CUSTOMER');
    const clients = [owner, customer, stranger].map((who) => liveClient(server.url, who.token));
    const [ownerFeed, customerFeed, strangerFeed] = await subscribed(server, 3, () =>
      clients.map((client) => new Subscription(client, ProposalChangedDocument, {})),
    );

    const { propose: proposal } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[0].id, slots[1].id], party: { adults: 2 }, message: 'Two days, please' } },
      customer.token,
    );
    expect(proposal).toMatchObject({
      status: 'PENDING',
      message: 'Two days, please',
      booking: null,
      party: { adults: 2, total: 2 },
    });
    expect(proposal.slots.map((slot) => [slot.id, slot.booked, slot.held])).toEqual([
      [slots[0].id, 0, 0],
      [slots[1].id, 0, 0],
    ]);
    expect((await server.ok(ProposalsDocument, { incoming: true }, owner.token)).proposals.map((p) => p.id)).toContain(
      proposal.id,
    );
    expect(
      (await server.ok(ProposalsDocument, { incoming: false }, customer.token)).proposals.map((p) => p.id),
    ).toEqual([proposal.id]);
    expect(
      (await server.ok(ProposalsDocument, { incoming: false, status: 'ACCEPTED' }, customer.token)).proposals,
    ).toEqual([]);
    expect((await mailsTo(owner.email)).at(-1)).toMatchObject({
      subject: 'New booking proposal: Beach sector A',
      text: expect.stringContaining('Message: Two days, please'),
    });

    const { acceptProposal } = await server.ok(AcceptProposalDocument, { id: proposal.id }, owner.token);
    expect(acceptProposal).toMatchObject({
      status: 'ACCEPTED',
      booking: { status: 'PENDING_PAYMENT', payment: { status: 'REQUIRES_ACTION', clientSecret: null } },
    });
    expect(acceptProposal.slots.map((slot) => slot.held)).toEqual([2, 2]);
    expect((await mailsTo(customer.email)).at(-1)).toMatchObject({
      subject: 'Your proposal was accepted: Beach sector A',
    });
    const { booking } = await server.ok(BookingDocument, { id: acceptProposal.booking!.id }, customer.token);
    expect(booking!.payment!.clientSecret).toMatch(/^pi_/);
    expect(booking!.price.total.amount).toBe('120.00');

    const intentId = booking!.payment!.clientSecret!.split('_secret_')[0];
    expect((await stripe.deliver(server.url, stripe.settle(intentId, 'succeeded'))).status).toBe(200);
    await jobsSettled(server);
    const { booking: paid } = await server.ok(BookingDocument, { id: booking!.id }, customer.token);
    expect(paid).toMatchObject({ status: 'CONFIRMED' });
    expect(paid!.slots.map((slot) => [slot.booked, slot.held])).toEqual([
      [2, 0],
      [2, 0],
    ]);

    // Markers: a proposal of the stranger's, then one more of the customer's, must be the next each feed hears.
    for (const who of [stranger, customer])
      await server.ok(ProposeDocument, { input: { slotIds: [slots[0].id], party: { adults: 1 } } }, who.token);
    const statuses = async (feed: typeof ownerFeed, count: number) =>
      (await feed.waitFor(count)).map((result) => result.data?.proposalChanged.status);
    expect(await statuses(ownerFeed, 4)).toEqual(['PENDING', 'ACCEPTED', 'PENDING', 'PENDING']);
    expect(await statuses(customerFeed, 3)).toEqual(['PENDING', 'ACCEPTED', 'PENDING']);
    expect(await statuses(strangerFeed, 1)).toEqual(['PENDING']);
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('accepts under another reference when the one drawn was taken that day, in the same transaction run again', async () => {
    const slots = await approvalSlots();
    const proposed = async (slotId: string) =>
      (await server.ok(ProposeDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, customer.token))
        .propose;
    const [first, second] = [await proposed(slots[0].id), await proposed(slots[1].id)];
    const { acceptProposal: accepted } = await server.ok(AcceptProposalDocument, { id: first.id }, owner.token);
    const read = async (id: string) => (await server.ok(BookingDocument, { id }, customer.token)).booking!;
    const taken = (await read(accepted.booking!.id)).reference;
    const { result, drawn } = await drawingAgain(taken, () =>
      server.request(AcceptProposalDocument, { id: second.id }, owner.token),
    );
    expect([result.errors, drawn]).toEqual([undefined, 12]);
    const booking = await read(result.data!.acceptProposal.booking!.id);
    expect(booking.reference).not.toBe(taken);
    expect([booking.status, booking.history.map((entry) => entry.action)]).toEqual(['CONFIRMED', ['booking.created']]);
    expect((await server.ok(ProposalsDocument, { incoming: false }, customer.token)).proposals).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: second.id, status: 'ACCEPTED' })]),
    );
  });

  it('refuses to accept when the seats are gone, leaving the proposal pending', async () => {
    const slots = await approvalSlots({ capacity: 3 });
    const rival = await signUp(server, 'CUSTOMER');
    const { propose: first } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
      customer.token,
    );
    const { propose: second } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
      rival.token,
    );
    const { acceptProposal } = await server.ok(AcceptProposalDocument, { id: first.id }, owner.token);
    expect(acceptProposal.booking).toMatchObject({ status: 'CONFIRMED' });
    const refused = await server.request(AcceptProposalDocument, { id: second.id }, owner.token);
    expect(codes(refused)).toEqual(['CAPACITY_EXCEEDED']);
    expect((await server.ok(ProposalsDocument, { incoming: false }, rival.token)).proposals).toEqual([
      expect.objectContaining({ id: second.id, status: 'PENDING', booking: null }),
    ]);
    // A new proposal for a full slot is refused at once, as book would.
    expect(codes(await propose({ slotIds: [slots[0].id], party: { adults: 2 } }, rival))).toEqual([
      'CAPACITY_EXCEEDED',
    ]);
  });

  it('refuses proposals to oneself, on instant services, and answers by the rules of who may do what', async () => {
    const slots = await approvalSlots();
    expect(codes(await propose({ slotIds: [slots[0].id], party: { adults: 1 } }, owner))).toEqual(['OWN_SERVICE']);
    const instant = await createService(server, owner, {});
    const [instantSlot] = await dailySlots(server, owner, instant.id, daysFromNow(5), daysFromNow(5));
    expect(codes(await propose({ slotIds: [instantSlot.id], party: { adults: 1 } }))).toEqual(['BAD_USER_INPUT']);

    const { propose: proposal } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      customer.token,
    );
    const otherOwner = await signUp(server, 'PROVIDER');
    const stranger = await signUp(server, 'CUSTOMER');
    expect(codes(await server.request(AcceptProposalDocument, { id: proposal.id }, otherOwner.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(AcceptProposalDocument, { id: proposal.id }, customer.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(WithdrawProposalDocument, { id: proposal.id }, stranger.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(WithdrawProposalDocument, { id: proposal.id }, owner.token))).toEqual([
      'FORBIDDEN',
    ]);

    const { declineProposal } = await server.ok(
      DeclineProposalDocument,
      { id: proposal.id, reason: 'Closed for a private event' },
      owner.token,
    );
    expect(declineProposal).toMatchObject({ status: 'DECLINED', booking: null });
    expect((await mailsTo(customer.email)).at(-1)).toMatchObject({
      subject: 'Your proposal was declined: Beach sector A',
      text: expect.stringContaining('Reason: Closed for a private event'),
    });
    expect(codes(await server.request(AcceptProposalDocument, { id: proposal.id }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
    expect(codes(await server.request(WithdrawProposalDocument, { id: proposal.id }, customer.token))).toEqual([
      'INVALID_TRANSITION',
    ]);

    const { propose: another } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[1].id], party: { adults: 1 } } },
      customer.token,
    );
    const { withdrawProposal } = await server.ok(WithdrawProposalDocument, { id: another.id }, customer.token);
    expect(withdrawProposal.status).toBe('WITHDRAWN');
    expect((await mailsTo(owner.email)).at(-1)).toMatchObject({ subject: 'A proposal was withdrawn: Beach sector A' });
    expect(codes(await server.request(DeclineProposalDocument, { id: another.id }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
  });

  it('expires at the earlier of the time to live and the first slot cutoff, by the server on its own', async () => {
    const near = await approvalSlots({ cutoffHours: 24 * 4 });
    const { propose: early } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [near[0].id], party: { adults: 1 } } },
      customer.token,
    );
    expect(new Date(early.expiresAt).getTime()).toBe(new Date(near[0].startsAt).getTime() - 96 * 3_600_000);

    const slots = await approvalSlots();
    const before = clock.now().getTime();
    const { propose: proposal } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      customer.token,
    );
    const ttl = new Date(proposal.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThanOrEqual(48 * 3_600_000);
    expect(ttl).toBeLessThan(48 * 3_600_000 + 5_000);

    clock.advance(47 * 3_600_000);
    await runJobsNow(server, 'expire_proposal'); // early by the clock: nothing happens
    expect(
      (await server.ok(ProposalsDocument, { incoming: false, status: 'PENDING' }, customer.token)).proposals.map(
        (p) => p.id,
      ),
    ).toContain(proposal.id);
    clock.advance(2 * 3_600_000);
    await runJobsNow(server, 'expire_proposal');
    const expired = (
      await server.ok(ProposalsDocument, { incoming: false, status: 'EXPIRED' }, customer.token)
    ).proposals.map((p) => p.id);
    expect(expired).toEqual(expect.arrayContaining([proposal.id, early.id]));
    expect((await mailsTo(customer.email)).at(-1)).toMatchObject({
      subject: 'Your proposal expired without an answer: Beach sector A',
    });
    expect(codes(await server.request(AcceptProposalDocument, { id: proposal.id }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
  });
});
