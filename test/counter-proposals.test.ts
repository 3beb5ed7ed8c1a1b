import {
  AcceptCounterProposalDocument,
  AcceptProposalDocument,
  CounterProposeDocument,
  DeclineProposalDocument,
  ProposalChangedDocument,
  ProposalsDocument,
  ProposeDocument,
  WithdrawProposalDocument,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import { runJobsNow, serviceWithSlots, signUp, startWithAccounts, storedMails, type Account } from './support/fixtures';
import { liveClient, Subscription, subscribed } from './support/live';
import { codes, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
const clock = new TestClock();

beforeAll(async () => ({ server, owner, customer } = await startWithAccounts({ proposalTtlHours: 48 }, clock)));
afterAll(() => server.stop());

async function approvalSlots(capacity = 4) {
  return (await serviceWithSlots(server, owner, { bookingMode: 'APPROVAL', capacity }, 5, 8)).slots;
}

async function proposal(slotId: string, adults = 2) {
  return (await server.ok(ProposeDocument, { input: { slotIds: [slotId], party: { adults } } }, customer.token))
    .propose;
}

async function lastMailTo(email: string) {
  return (await mailsTo(email)).at(-1)!;
}

const mailsTo = (email: string) => storedMails(server, email);

describe('counter-proposals', () => {
  it('let the provider offer other slots, which the customer books as acceptProposal would, told by email and live', async () => {
    const slots = await approvalSlots();
    const clients = [owner, customer].map((who) => liveClient(server.url, who.token));
    const [ownerFeed, customerFeed] = await subscribed(server, 2, () =>
      clients.map((client) => new Subscription(client, ProposalChangedDocument, {})),
    );
    const asked = await proposal(slots[0].id);

    const { counterPropose } = await server.ok(
      CounterProposeDocument,
      { id: asked.id, slotIds: [slots[2].id, slots[1].id], message: 'Mornings are full; how about these?' },
      owner.token,
    );
    expect(counterPropose).toMatchObject({
      status: 'COUNTERED',
      counterMessage: 'Mornings are full; how about these?',
      booking: null,
    });
    expect(counterPropose.counterSlots.map((slot) => [slot.id, slot.booked])).toEqual([
      [slots[1].id, 0],
      [slots[2].id, 0],
    ]);
    expect(counterPropose.slots.map((slot) => slot.id)).toEqual([slots[0].id]);
    const countered = await lastMailTo(customer.email);
    expect(countered.subject).toBe('Your proposal has a counter-offer: Beach sector A');
    expect(countered.text).toContain('Offered instead:');
    expect(countered.text).toContain('Their message: Mornings are full; how about these?');

    // The provider's own answers are over; the customer's is awaited.
    expect(codes(await server.request(AcceptProposalDocument, { id: asked.id }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
    expect(codes(await server.request(DeclineProposalDocument, { id: asked.id }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
    expect(
      codes(await server.request(CounterProposeDocument, { id: asked.id, slotIds: [slots[3].id] }, owner.token)),
    ).toEqual(['INVALID_TRANSITION']);
    expect(codes(await server.request(AcceptCounterProposalDocument, { id: asked.id }, owner.token))).toEqual([
      'FORBIDDEN',
    ]);

    const { acceptCounterProposal } = await server.ok(AcceptCounterProposalDocument, { id: asked.id }, customer.token);
    expect(acceptCounterProposal).toMatchObject({ status: 'ACCEPTED', booking: { status: 'CONFIRMED' } });
    expect(acceptCounterProposal.counterSlots.map((slot) => slot.booked)).toEqual([2, 2]);
    expect(acceptCounterProposal.slots.map((slot) => slot.booked)).toEqual([0]);
    expect((await mailsTo(owner.email)).map((mail) => mail.subject)).toContain(
      'Your counter-offer was accepted: Beach sector A',
    );
    expect(codes(await server.request(AcceptCounterProposalDocument, { id: asked.id }, customer.token))).toEqual([
      'INVALID_TRANSITION',
    ]);

    await ownerFeed.waitFor(3);
    await customerFeed.waitFor(3);
    expect(customerFeed.results.map((result) => result.data?.proposalChanged.status)).toEqual([
      'PENDING',
      'COUNTERED',
      'ACCEPTED',
    ]);
    expect(ownerFeed.results.map((result) => result.data?.proposalChanged.status)).toEqual([
      'PENDING',
      'COUNTERED',
      'ACCEPTED',
    ]);
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('check the offered slots as a proposal is checked, and only the provider may counter', async () => {
    const slots = await approvalSlots(3);
    const elsewhere = await approvalSlots();
    const asked = await proposal(slots[0].id);
    const rival = await signUp(server, 'PROVIDER');
    const counter = (slotIds: string[], who: Account = owner) =>
      server.request(CounterProposeDocument, { id: asked.id, slotIds }, who.token);
    expect((await counter([elsewhere[0].id])).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'slotIds',
    });
    expect((await counter([])).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slotIds' });
    expect(codes(await counter([slots[1].id], rival))).toEqual(['FORBIDDEN']);
    expect(codes(await counter([slots[1].id], customer))).toEqual(['FORBIDDEN']);
    const other = await signUp(server, 'CUSTOMER');
    await server.ok(
      AcceptProposalDocument,
      {
        id: (await server.ok(ProposeDocument, { input: { slotIds: [slots[1].id], party: { adults: 2 } } }, other.token))
          .propose.id,
      },
      owner.token,
    );
    expect(codes(await counter([slots[1].id]))).toEqual(['CAPACITY_EXCEEDED']);
    expect(
      (await server.ok(ProposalsDocument, { incoming: false, status: 'PENDING' }, customer.token)).proposals.map(
        (p) => p.id,
      ),
    ).toContain(asked.id);

    // Seats gone between the counter-offer and its acceptance: refused, and it stays COUNTERED.
    await server.ok(CounterProposeDocument, { id: asked.id, slotIds: [slots[2].id] }, owner.token);
    await server.ok(
      AcceptProposalDocument,
      {
        id: (await server.ok(ProposeDocument, { input: { slotIds: [slots[2].id], party: { adults: 2 } } }, other.token))
          .propose.id,
      },
      owner.token,
    );
    expect(codes(await server.request(AcceptCounterProposalDocument, { id: asked.id }, customer.token))).toEqual([
      'CAPACITY_EXCEEDED',
    ]);
    expect(
      (await server.ok(ProposalsDocument, { incoming: false, status: 'COUNTERED' }, customer.token)).proposals.map(
        (p) => p.id,
      ),
    ).toEqual([asked.id]);
    const { withdrawProposal } = await server.ok(WithdrawProposalDocument, { id: asked.id }, customer.token);
    expect(withdrawProposal.status).toBe('WITHDRAWN');
  });

  it('expire like a proposal when the customer does not answer', async () => {
    const slots = await approvalSlots();
    const asked = await proposal(slots[0].id);
    await server.ok(CounterProposeDocument, { id: asked.id, slotIds: [slots[1].id] }, owner.token);
    clock.advance(49 * 3_600_000);
    await runJobsNow(server, 'expire_proposal');
    expect(
      (await server.ok(ProposalsDocument, { incoming: false, status: 'EXPIRED' }, customer.token)).proposals.map(
        (p) => p.id,
      ),
    ).toContain(asked.id);
    expect((await lastMailTo(customer.email)).subject).toBe('Your proposal expired without an answer: Beach sector A');
    expect(codes(await server.request(AcceptCounterProposalDocument, { id: asked.id }, customer.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
  });
});
