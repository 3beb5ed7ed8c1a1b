import type Stripe from 'stripe';
import {
  AcceptCounterProposalDocument,
  AcceptProposalDocument,
  BookDocument,
  BookingDocument,
  BookingMoneyDocument,
  CancelBookingDocument,
  ClaimWaitlistOfferDocument,
  CompleteBookingDocument,
  CounterProposeDocument,
  JoinWaitlistDocument,
  ModifyBookingDocument,
  MyWaitlistDocument,
  PaymentDiscrepanciesDocument,
  ProposeDocument,
  RefundBookingDocument,
  UpdateServiceDocument,
  type ServiceUpdateInput,
} from '../client/generated/graphql';
import type { FakeStripe, RefundState } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  intentOf,
  jobsSettled,
  logInAdmin,
  runJobsNow,
  serviceWithSlots,
  shiftStart,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { codes, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let customer: Account;

beforeAll(async () => ({ stripe, server, owner, customer } = await startWithStripe({ stripe: { timeoutMs: 300 } })));
afterAll(() => stopAll(server, stripe));
afterEach(() => {
  stripe.refundOutcome = 'succeeded';
});

/** A paid service (40.00 a seat, 24 h cutoff unless told) with daily slots from 5 days ahead. */
async function paidSlots(days = 1, input: Record<string, unknown> = {}) {
  const paid = { requiresPayment: true, priceAmount: '40.00', cutoffHours: 24, ...input };
  return serviceWithSlots(server, owner, paid, 5, 5 + days - 1);
}

const readBooking = async (id: string, who: Account = customer) =>
  (await server.ok(BookingDocument, { id }, who.token)).booking!;
const money = async (id: string, who: Account = owner) =>
  (await server.ok(BookingMoneyDocument, { id }, who.token)).booking!;
const updateService = (id: string, input: ServiceUpdateInput) =>
  server.ok(UpdateServiceDocument, { id, input }, owner.token);

/** Delivers signed events, in order, and waits until their jobs have applied them. */
async function deliver(...events: Stripe.Event[]): Promise<void> {
  for (const event of events) expect((await stripe.deliver(server.url, event)).status).toBe(200);
  await jobsSettled(server);
}

/** A booking paid by card (the bank's success delivered and applied). */
async function paidBooking(slotIds: string[], party: { adults: number; children?: number } = { adults: 2 }) {
  const { book } = await server.ok(BookDocument, { input: { slotIds, party } }, customer.token);
  const intentId = await intentOf(server, book.id);
  await deliver(stripe.settle(intentId, 'succeeded'));
  return { booking: await readBooking(book.id), intentId };
}

const refundsAsked = (intentId: string) =>
  stripe
    .calls(/^\/v1\/refunds$/)
    .filter((call) => call.params.payment_intent === intentId)
    .map((call) => call.params.amount);

const subjects = async (reference: string) =>
  server.sql<{ to: string; subject: string }>('select "to", subject from message where subject like $1 order by id', [
    `%${reference}%`,
  ]);

describe('terms are a snapshot: what changes between agreement and settlement does not touch the agreed price', () => {
  it.each([
    ['the price is raised between propose and accept', { priceAmount: '60.00' }, '50.00'],
    ['the child rate and the tax change between propose and accept', { childRate: 1, taxRate: 0.5 }, '50.00'],
  ])('%s: accepting books at the proposed price', async (_what, change, total) => {
    const service = await createService(server, owner, { bookingMode: 'APPROVAL', priceAmount: '25.00' });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const { propose } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slot.id], party: { adults: 2 } } },
      customer.token,
    );
    expect(propose.price.total).toEqual({ amount: '50.00', currency: 'EUR' });
    await updateService(service.id, change);
    const { acceptProposal } = await server.ok(AcceptProposalDocument, { id: propose.id }, owner.token);
    expect(acceptProposal).toMatchObject({ status: 'ACCEPTED', price: { total: { amount: total } } });
    expect(acceptProposal.booking!.price.total.amount).toBe(total);
    const booked = await money(acceptProposal.booking!.id);
    expect(booked.terms).toMatchObject({ childRate: 1, taxRate: 0, cancellationPolicy: { cutoffHours: 0 } });
    expect(booked.price.lines).toEqual([
      {
        slot: { id: slot.id },
        category: 'ADULT',
        count: 2,
        unitPrice: { amount: '25.00' },
        amount: { amount: '50.00' },
        taxRate: 0,
      },
    ]);
  });

  it.each([
    ['at the price of the day it was made', null, '60.00', '120.00'],
    ['at the price the provider named', '30.00', '90.00', '60.00'],
  ])(
    'a counter-offer is accepted %s, whatever the service costs by then',
    async (_what, priceAmount, raised, total) => {
      const service = await createService(server, owner, { bookingMode: 'APPROVAL', priceAmount: '25.00' });
      const slots = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(6));
      const { propose } = await server.ok(
        ProposeDocument,
        { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
        customer.token,
      );
      await updateService(service.id, { priceAmount: '60.00' });
      const { counterPropose } = await server.ok(
        CounterProposeDocument,
        { id: propose.id, slotIds: [slots[1].id], priceAmount },
        owner.token,
      );
      expect(counterPropose.counterPrice!.total.amount).toBe(total);
      await updateService(service.id, { priceAmount: raised });
      const { acceptCounterProposal } = await server.ok(
        AcceptCounterProposalDocument,
        { id: propose.id },
        customer.token,
      );
      expect(acceptCounterProposal.booking!.price.total.amount).toBe(total);
    },
  );

  it('refuses a counter price that is not an amount of the currency, naming the field', async () => {
    const {
      slots: [slot],
    } = await serviceWithSlots(server, owner, { bookingMode: 'APPROVAL' });
    const { propose } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    const refused = await server.request(
      CounterProposeDocument,
      { id: propose.id, slotIds: [slot.id], priceAmount: '12.345' },
      owner.token,
    );
    expect([codes(refused), refused.errors![0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'priceAmount']);
  });

  it('a change keeps the agreed rates and tax of the people it keeps: removing a child after the rates rose refunds that child', async () => {
    // 2 adults + 2 children at 100.00, child rate 0.5, no tax: 300.00 paid.
    const { service, slots } = await paidSlots(1, { priceAmount: '100.00', childRate: 0.5 });
    const { booking, intentId } = await paidBooking([slots[0].id], { adults: 2, children: 2 });
    expect(booking.price.total.amount).toBe('300.00');
    await updateService(service.id, { childRate: 1, taxRate: 0.2, priceAmount: '150.00' });
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 2, children: 1 } } },
      customer.token,
    );
    expect(modifyBooking).toMatchObject({ price: { total: { amount: '250.00' } }, refundPending: { amount: '50.00' } });
    await jobsSettled(server);
    expect(refundsAsked(intentId)).toEqual(['5000']);
    // Adding a child back costs today's rate and tax on the agreed slot price: 100.00 + 20.00 tax more.
    const dearer = await server.request(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 2, children: 2 } } },
      customer.token,
    );
    expect([codes(dearer), dearer.errors![0].extensions.amount]).toEqual([['PAYMENT_REQUIRED'], '120.00']);
  });

  it('keeps the agreed unit price of the slots a change keeps; only new slots take today’s price', async () => {
    const { service, slots } = await paidSlots(2, { requiresPayment: false });
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
      customer.token,
    );
    expect(book.price.total.amount).toBe('80.00');
    await updateService(service.id, { priceAmount: '50.00' });
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: book.id, input: { slotIds: [slots[0].id, slots[1].id] } },
      customer.token,
    );
    expect(modifyBooking.price.total.amount).toBe('180.00'); // 2 x 40.00 kept + 2 x 50.00 new
  });

  it.each([
    [
      'the cutoff raised to 240 hours after payment: a cancel 5 days ahead is still in time',
      { cutoffHours: 240 },
      null,
      '8000',
    ],
    [
      'the late share raised to all after payment: a late cancel still gets nothing',
      { lateCancellationRefund: 1 },
      12,
      null,
    ],
    ['the cutoff lowered to 0 after payment: a late cancel still gets nothing', { cutoffHours: 0 }, 12, null],
  ])('%s', async (_what, change, hoursAhead, refund) => {
    const { service, slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id]);
    await updateService(service.id, change);
    if (hoursAhead !== null) await shiftStart(server, booking.id, hoursAhead);
    const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    expect(cancelBooking.refundPending?.amount ?? null).toBe(refund && '80.00');
    await jobsSettled(server);
    expect(refundsAsked(intentId)).toEqual(refund ? [refund] : []);
    expect((await money(booking.id)).terms.cancellationPolicy).toEqual({
      cutoffHours: 24,
      refundBeforeCutoff: 1,
      refundAfterCutoff: 0,
    });
  });

  it('gives back the agreed late share when the customer cancels or lowers the party inside the cutoff', async () => {
    const { service, slots } = await paidSlots(1, { lateCancellationRefund: 0.5 });
    const { booking, intentId } = await paidBooking([slots[0].id], { adults: 3 });
    await updateService(service.id, { lateCancellationRefund: 0 });
    await shiftStart(server, booking.id, 12);
    stripe.refundOutcome = 'pending'; // both refunds stay on their way while the test reads them
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 2 } } },
      customer.token,
    );
    expect(modifyBooking).toMatchObject({ price: { total: { amount: '80.00' } }, refundPending: { amount: '20.00' } });
    const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    expect(cancelBooking.refundPending).toEqual({ amount: '70.00' }); // 20.00 + half of the 100.00 left
    await jobsSettled(server);
    expect(refundsAsked(intentId)).toEqual(['2000', '5000']);
  });

  it('prices a claimed waitlist offer for the party and at the price of when it joined', async () => {
    const service = await createService(server, owner, { priceAmount: '40.00', capacity: 2, childRate: 0.5 });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const other = await signUp(server, 'CUSTOMER');
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 2 } } },
      other.token,
    );
    const mismatch = await server.request(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slot.id, partySize: 2, party: { adults: 1 } } },
      customer.token,
    );
    expect([codes(mismatch), mismatch.errors![0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'party']);
    const { joinWaitlist } = await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slot.id, partySize: 2, party: { adults: 1, children: 1 } } },
      customer.token,
    );
    expect(joinWaitlist.price).toBeNull();
    await updateService(service.id, { priceAmount: '80.00', childRate: 1 });
    await server.ok(CancelBookingDocument, { id: book.id }, other.token);
    const { myWaitlist } = await server.ok(MyWaitlistDocument, {}, customer.token);
    expect(myWaitlist.find((entry) => entry.id === joinWaitlist.id)).toMatchObject({
      status: 'OFFERED',
      price: { total: { amount: '60.00' } },
    });
    const { claimWaitlistOffer } = await server.ok(ClaimWaitlistOfferDocument, { id: joinWaitlist.id }, customer.token);
    expect(claimWaitlistOffer).toMatchObject({
      status: 'CONFIRMED',
      party: { adults: 1, children: 1 },
      price: { total: { amount: '60.00' } },
      slots: [{ booked: 2, held: 0 }],
    });
  });
});

describe('refunds follow the bank', () => {
  /** A customer's cancel in time of a paid booking, with Stripe answering the refund `answer`. */
  async function cancelledWithRefund(answer: typeof stripe.refundOutcome) {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id]);
    stripe.refundOutcome = answer;
    const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', refunded: null, refundPending: { amount: '80.00' } });
    await jobsSettled(server);
    return { booking, intentId, refundId: stripe.refundsOf(intentId)[0].id };
  }

  it.each<[string, typeof stripe.refundOutcome, RefundState[], string, string | null, string[]]>([
    ['pending, then succeeded', 'pending', ['succeeded'], 'REFUNDED', '80.00', ['SUCCEEDED']],
    ['pending, then failed', 'pending', ['failed'], 'CANCELLED', null, ['FAILED']],
    ['requires_action, then canceled', 'requires_action', ['canceled'], 'CANCELLED', null, ['CANCELED']],
    [
      'requires_action, then pending, then succeeded',
      'requires_action',
      ['pending', 'succeeded'],
      'REFUNDED',
      '80.00',
      ['SUCCEEDED'],
    ],
    ['succeeded, then failed (a closed card, later)', 'succeeded', ['failed'], 'CANCELLED', null, ['FAILED']],
  ])('answered %s', async (_what, answer, then, status, refunded, refunds) => {
    const { booking, refundId } = await cancelledWithRefund(answer);
    const before = await money(booking.id);
    // Until the bank said it succeeded, nothing counts, nothing reads REFUNDED, the customer is told nothing.
    if (answer !== 'succeeded') {
      expect(before).toMatchObject({ status: 'CANCELLED', refunded: null, refundPending: { amount: '80.00' } });
      expect((await subjects(booking.reference)).filter((mail) => mail.subject.startsWith('Refund issued'))).toEqual(
        [],
      );
    }
    for (const status of then) await deliver(...stripe.settleRefund(refundId, status));
    const after = await money(booking.id);
    expect(after).toMatchObject({
      status,
      refunded: refunded && { amount: refunded },
      refundPending: null,
      refunds: refunds.map((one) => ({ status: one, amount: { amount: '80.00', currency: 'EUR' }, byCard: true })),
    });
    const mails = await subjects(booking.reference);
    const issued = mails.filter((mail) => mail.subject.startsWith('Refund issued')).map((mail) => mail.to);
    const refused = mails.filter((mail) => mail.subject.startsWith('A refund was refused')).map((mail) => mail.to);
    if (refunded) {
      expect(issued.sort()).toEqual([customer.email, owner.email].sort());
      expect(refused).toEqual([]);
      expect(after.payment!.status).toBe('REFUNDED');
    } else {
      // Taken out of `refunded`, shown failed, reported to the provider (and to the customer if it had been told it was done).
      expect(refused.sort()).toEqual((answer === 'succeeded' ? [customer.email, owner.email] : [owner.email]).sort());
      expect(after.payment!.status).toBe('SUCCEEDED');
      expect(after.history.at(-1)).toMatchObject({ action: 'booking.refund_failed' });
      expect(after.refunds[0].failureReason).toBeTruthy();
      // What the failure gave back can be asked again.
      const { refundBooking } = await server.ok(RefundBookingDocument, { id: booking.id }, owner.token);
      expect(refundBooking.refundPending).toEqual({ amount: '80.00' });
    }
  });

  it('asks Stripe again where a refund on its way stands when its events never come', async () => {
    const { booking, refundId } = await cancelledWithRefund('pending');
    stripe.settleRefund(refundId, 'succeeded'); // the events are lost on the way
    await runJobsNow(server, 'check_refund');
    expect(await money(booking.id)).toMatchObject({ status: 'REFUNDED', refunded: { amount: '80.00' } });
    expect(stripe.calls(new RegExp(`^/v1/refunds/${refundId}$`)).map((call) => call.method)).toEqual(['GET']);
  });

  it('changes nothing on a repeated or out-of-date refund event', async () => {
    const { booking, refundId } = await cancelledWithRefund('pending');
    const [pendingAgain] = stripe.settleRefund(refundId, 'requires_action');
    const succeeded = stripe.settleRefund(refundId, 'succeeded');
    await deliver(...succeeded, ...succeeded, pendingAgain);
    expect(await money(booking.id)).toMatchObject({
      status: 'REFUNDED',
      refunded: { amount: '80.00' },
      refunds: [{ status: 'SUCCEEDED' }],
    });
  });

  it('counts a refund made at Stripe (its dashboard) once the bank confirms it', async () => {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id]);
    await deliver(stripe.dashboardRefund(intentId, 1000, 'pending'));
    expect(await money(booking.id)).toMatchObject({
      status: 'CONFIRMED',
      refunded: null,
      refundPending: { amount: '10.00' },
    });
    await deliver(...stripe.settleRefund(stripe.refundsOf(intentId)[0].id, 'succeeded'));
    expect(await money(booking.id)).toMatchObject({
      status: 'CONFIRMED',
      refunded: { amount: '10.00' },
      refunds: [{ status: 'SUCCEEDED', reason: 'refunded at Stripe' }],
    });
  });

  it('refuses a refund Stripe refuses (more than is left at Stripe) as failed, at once', async () => {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id]);
    // Stripe gave 70.00 back from its dashboard and we never heard of it: only 10.00 is left at Stripe.
    stripe.dashboardRefund(intentId, 7000, 'succeeded');
    await server.ok(CancelBookingDocument, { id: booking.id }, owner.token);
    await jobsSettled(server);
    expect(await money(booking.id)).toMatchObject({
      status: 'CANCELLED',
      refunded: null,
      refunds: [{ status: 'FAILED', failureReason: expect.stringContaining('greater than unrefunded amount') }],
    });
  });
});

describe('goodwill refunds and the provider’s cancel', () => {
  it.each([
    ['CONFIRMED', false],
    ['COMPLETED', true],
    ['NO_SHOW', true],
  ])('a part refunded on a %s booking leaves it as it is', async (status, started) => {
    const { slots } = await paidSlots();
    const { booking } = await paidBooking([slots[0].id]);
    if (started) {
      await shiftStart(server, booking.id, -2);
      await server.ok(CompleteBookingDocument, { id: booking.id, noShow: status === 'NO_SHOW' }, owner.token);
    }
    const { refundBooking } = await server.ok(RefundBookingDocument, { id: booking.id, amount: '15.00' }, owner.token);
    expect(refundBooking).toMatchObject({ status, refundPending: { amount: '15.00' } });
    await jobsSettled(server);
    expect(await money(booking.id)).toMatchObject({ status, refunded: { amount: '15.00' } });
    if (status === 'CONFIRMED') {
      const all = await server.request(RefundBookingDocument, { id: booking.id }, owner.token);
      expect([codes(all), all.errors![0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'amount']);
    }
  });

  it('lets no customer change or cancel a booking once it started; the provider cancels it while it runs, refunding it, never after it ended', async () => {
    const { slots } = await paidSlots(2);
    const { booking, intentId } = await paidBooking([slots[0].id]);
    await shiftStart(server, booking.id, -0.5); // started half an hour ago, ends in half an hour
    const change = await server.request(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 1 } } },
      customer.token,
    );
    expect([codes(change), change.errors![0].extensions.rule]).toEqual([['INVALID_TRANSITION'], 'STARTED']);
    const cancel = await server.request(CancelBookingDocument, { id: booking.id }, customer.token);
    expect([codes(cancel), cancel.errors![0].extensions.rule]).toEqual([['INVALID_TRANSITION'], 'STARTED']);
    const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id, reason: 'storm' }, owner.token);
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', refundPending: { amount: '80.00' } });
    await jobsSettled(server);
    expect(refundsAsked(intentId)).toEqual(['8000']);

    const { booking: ended } = await paidBooking([slots[1].id]);
    await shiftStart(server, ended.id, -2); // ended an hour ago
    const late = await server.request(CancelBookingDocument, { id: ended.id }, owner.token);
    expect([codes(late), late.errors![0].extensions.rule]).toEqual([['INVALID_TRANSITION'], 'ENDED']);
    expect(await readBooking(ended.id)).toMatchObject({ status: 'CONFIRMED', refunded: null });
  });

  it('refunds nothing when the customer lowers the party inside the cutoff; the provider’s change still refunds', async () => {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id], { adults: 3 });
    await shiftStart(server, booking.id, 12); // inside the 24-hour cutoff
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 2 } } },
      customer.token,
    );
    expect(modifyBooking).toMatchObject({ price: { total: { amount: '80.00' } }, refundPending: null });
    const { modifyBooking: byOwner } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 1 } } },
      owner.token,
    );
    expect(byOwner).toMatchObject({ price: { total: { amount: '40.00' } }, refundPending: { amount: '40.00' } });
    await jobsSettled(server);
    expect(refundsAsked(intentId)).toEqual(['4000']);
  });
});

describe("Stripe's word is checked", () => {
  it.each([
    ['1 cent', { amount: 1, amount_received: 1 }, '0.01 EUR'],
    ['another currency', { currency: 'usd' }, '80.00 USD'],
    ['less received than the intent', { amount_received: 4000 }, '40.00 EUR'],
  ])(
    'a success for %s confirms nothing; the provider and an admin see it, the customer does not',
    async (_what, change, reported) => {
      const { slots } = await paidSlots();
      const { book } = await server.ok(
        BookDocument,
        { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
        customer.token,
      );
      const intentId = await intentOf(server, book.id);
      const honest = stripe.settle(intentId, 'succeeded');
      const forged = {
        ...honest,
        id: `${honest.id}_x`,
        data: { object: { ...honest.data.object, ...change } },
      } as Stripe.Event;
      await deliver(forged);
      const seen = await money(book.id);
      expect(seen).toMatchObject({ status: 'PENDING_PAYMENT', payment: { status: 'REQUIRES_ACTION' } });
      expect(seen.paymentDiscrepancies).toEqual([
        {
          eventId: forged.id,
          eventType: 'payment_intent.succeeded',
          expected: { amount: '80.00', currency: 'EUR' },
          reported: { amount: reported.split(' ')[0], currency: reported.split(' ')[1] },
        },
      ]);
      expect(seen.history.at(-1)).toMatchObject({ action: 'booking.payment_mismatch' });
      expect((await money(book.id, customer)).paymentDiscrepancies).toEqual([]);
      const admin = await logInAdmin(server);
      for (const who of [owner, admin]) {
        const { paymentDiscrepancies } = await server.ok(PaymentDiscrepanciesDocument, {}, who.token);
        expect(paymentDiscrepancies.find((one) => one.eventId === forged.id)).toMatchObject({
          booking: { id: book.id, status: 'PENDING_PAYMENT' },
        });
      }
      const mails = await subjects(book.reference);
      expect(mails.filter((mail) => mail.subject.startsWith('A payment was reported for the wrong amount'))).toEqual([
        { to: owner.email, subject: expect.any(String) },
      ]);
      // The bank's true word still confirms it.
      await deliver(honest);
      expect((await readBooking(book.id)).status).toBe('CONFIRMED');
    },
  );
});
