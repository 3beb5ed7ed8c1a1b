import {
  BookDocument,
  BookingDocument,
  CancelBookingDocument,
  ModifyBookingDocument,
  MyMessagesDocument,
  RefundBookingDocument,
  SlotsDocument,
  type BookInput,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import { type FakeStripe, WEBHOOK_SECRET } from './support/fake-stripe';
import {
  intentOf,
  jobsSettled,
  runJobsNow,
  serviceWithSlots,
  shiftStart,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { eventually } from './support/live';
import { codes, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let customer: Account;
const clock = new TestClock();

beforeAll(
  async () =>
    ({ stripe, server, owner, customer } = await startWithStripe(
      { stripe: { timeoutMs: 300 }, holdMinutes: 15 },
      clock,
    )),
);
afterAll(() => stopAll(server, stripe));

async function paidSlots(days = 1, capacity = 10, cutoffHours = 24) {
  const input = { requiresPayment: true, priceAmount: '40.00', capacity, cutoffHours };
  return (await serviceWithSlots(server, owner, input, 5, 5 + days - 1)).slots;
}

const book = (input: BookInput, who: Account = customer) => server.request(BookDocument, { input }, who.token);
const readBooking = async (id: string, who: Account = customer) =>
  (await server.ok(BookingDocument, { id }, who.token)).booking!;
const slotCounts = async (slotId: string) =>
  (await server.sql<{ booked: number; held: number }>('select booked, held from slot where id = $1', [slotId]))[0];

/** Delivers a signed event and waits until its job has applied it. */
async function deliver(event: Parameters<FakeStripe['deliver']>[1]): Promise<void> {
  const response = await stripe.deliver(server.url, event);
  expect(response.status).toBe(200);
  await jobsSettled(server);
}

async function pendingBooking(slotId: string, who: Account = customer, adults = 2) {
  const { book: booking } = await server.ok(
    BookDocument,
    { input: { slotIds: [slotId], party: { adults } } },
    who.token,
  );
  return { booking, intentId: await intentOf(server, booking.id) };
}

async function confirmedBooking(slotId: string, who: Account = customer, adults = 2) {
  const { booking, intentId } = await pendingBooking(slotId, who, adults);
  await deliver(stripe.settle(intentId, 'succeeded'));
  return { booking: await readBooking(booking.id, who), intentId };
}

describe('paid bookings', () => {
  it('hold the seats, create one PaymentIntent per booking with its key, and show the client secret to the customer alone', async () => {
    const [slot] = await paidSlots();
    const before = clock.now().getTime();
    const { booking, intentId } = await pendingBooking(slot.id);
    expect(booking).toMatchObject({
      status: 'PENDING_PAYMENT',
      payment: { status: 'REQUIRES_ACTION', provider: 'stripe', amount: { amount: '80.00', currency: 'EUR' } },
    });
    expect(booking.payment!.clientSecret).toMatch(new RegExp(`^${intentId}_secret_`));
    expect(new Date(booking.holdExpiresAt!).getTime() - before).toBeGreaterThanOrEqual(15 * 60_000 - 1_000);
    expect(booking.slots[0]).toMatchObject({ booked: 0, held: 2, available: 8 });
    const [create] = stripe.requests.filter(
      (request) => request.path === '/v1/payment_intents' && request.params['metadata[bookingId]'] === booking.id,
    );
    expect(create).toMatchObject({
      idempotencyKey: `booking-${booking.id}-payment`,
      params: { amount: '8000', currency: 'eur', 'metadata[reference]': booking.reference },
    });
    const seenByOwner = await readBooking(booking.id, owner);
    expect(seenByOwner.payment).toMatchObject({ status: 'REQUIRES_ACTION', clientSecret: null });
    const messages = (await server.ok(MyMessagesDocument, {}, customer.token)).myMessages;
    expect(messages.filter((message) => message.subject.includes(booking.reference))).toEqual([]); // mailed once paid
  });

  it('confirms once however often the success event arrives, and sends one email', async () => {
    const [slot] = await paidSlots();
    const { booking, intentId } = await pendingBooking(slot.id);
    const succeeded = stripe.settle(intentId, 'succeeded');
    const answers = await Promise.all([1, 2, 3].map(() => stripe.deliver(server.url, succeeded)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await jobsSettled(server);
    await deliver(succeeded); // and once more, later
    const confirmed = await readBooking(booking.id);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', holdExpiresAt: null, payment: { status: 'SUCCEEDED' } });
    expect(confirmed.slots[0]).toMatchObject({ booked: 2, held: 0 });
    expect(confirmed.history.map((entry) => entry.action)).toEqual(['booking.created', 'booking.confirmed']);
    const [{ count }] = await server.sql<{ count: string }>('select count(*) from stripe_event where id = $1', [
      succeeded.id,
    ]);
    expect(count).toBe('1');
    const mails = await server.sql<{ subject: string }>('select subject from message where subject like $1', [
      `%${booking.reference}%`,
    ]);
    expect(mails.map((mail) => mail.subject)).toEqual([
      `Booking confirmed: Beach sector A (${booking.reference})`,
      `Booking confirmed: Beach sector A (${booking.reference})`,
    ]); // customer and provider
  });

  it('frees the seats when the payment fails, so that another customer can book them; a later failure cannot undo a success', async () => {
    const [slot] = await paidSlots(1, 2);
    const { booking, intentId } = await pendingBooking(slot.id);
    const rival = await signUp(server, 'CUSTOMER');
    expect(codes(await book({ slotIds: [slot.id], party: { adults: 1 } }, rival))).toEqual(['CAPACITY_EXCEEDED']);
    await deliver(stripe.settle(intentId, 'payment_failed'));
    const expired = await readBooking(booking.id);
    expect(expired).toMatchObject({ status: 'EXPIRED', payment: { status: 'FAILED' } });
    expect(expired.history.at(-1)).toMatchObject({
      action: 'booking.expired',
      reason: 'the payment failed: Your card was declined.',
    });
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 0 });
    await eventually(async () => stripe.calls(new RegExp(`/v1/payment_intents/${intentId}/cancel`)).length > 0);
    const mails = await server.sql<{ subject: string; to: string }>(
      'select subject, "to" from message where subject like $1',
      [`%${booking.reference}%`],
    );
    expect(mails).toEqual([
      { subject: `Payment not completed, booking released: Beach sector A (${booking.reference})`, to: customer.email },
    ]);

    const { booking: second, intentId: secondIntent } = await pendingBooking(slot.id, rival);
    await deliver(stripe.settle(secondIntent, 'succeeded'));
    await deliver(
      stripe.event('payment_intent.payment_failed', {
        ...stripe.intents.get(secondIntent),
        status: 'requires_payment_method',
      }),
    );
    expect(await readBooking(second.id, rival)).toMatchObject({
      status: 'CONFIRMED',
      payment: { status: 'SUCCEEDED' },
    });
    expect(await slotCounts(slot.id)).toEqual({ booked: 2, held: 0 });
  });

  it('never lets others take seats held for a payment, under concurrent requests', async () => {
    const [slot] = await paidSlots(1, 3);
    const customers = await Promise.all(Array.from({ length: 12 }, () => signUp(server, 'CUSTOMER')));
    const results = await Promise.all(customers.map((who) => book({ slotIds: [slot.id], party: { adults: 1 } }, who)));
    const made = results.filter((result) => result.data?.book);
    expect(made.map((result) => result.data!.book.status)).toEqual([
      'PENDING_PAYMENT',
      'PENDING_PAYMENT',
      'PENDING_PAYMENT',
    ]);
    expect(results.filter((result) => codes(result)[0] === 'CAPACITY_EXCEEDED')).toHaveLength(9);
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 3 });
    // A free-to-book rival cannot take them either.
    expect(codes(await book({ slotIds: [slot.id], party: { adults: 1 } }))).toEqual(['CAPACITY_EXCEEDED']);
  });

  it('expires an unpaid hold on time, cancels the intent, and confirms a late success only while the seats are still free', async () => {
    const [slot] = await paidSlots(1, 2);
    const { booking, intentId } = await pendingBooking(slot.id);
    clock.advance(16 * 60_000);
    await runJobsNow(server, 'expire_payment_hold');
    expect(await readBooking(booking.id)).toMatchObject({ status: 'EXPIRED', payment: { status: 'CANCELED' } });
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 0 });
    await eventually(async () => stripe.calls(new RegExp(`/v1/payment_intents/${intentId}/cancel`)).length > 0);

    // The bank confirms anyway (3-D Secure finished just before the cancel): the seats are free, so it stands.
    await deliver(stripe.settle(intentId, 'succeeded'));
    const late = await readBooking(booking.id);
    expect(late).toMatchObject({ status: 'CONFIRMED', payment: { status: 'SUCCEEDED' } });
    expect(late.history.at(-1)).toMatchObject({
      action: 'booking.confirmed',
      reason: 'paid after the hold ended; the seats were still free',
    });
    expect(await slotCounts(slot.id)).toEqual({ booked: 2, held: 0 });

    // Another one, whose seats were taken meanwhile: refunded in full, and the booking stays EXPIRED.
    const [other] = await paidSlots(1, 2);
    const { booking: lost, intentId: lostIntent } = await pendingBooking(other.id);
    clock.advance(16 * 60_000);
    await runJobsNow(server, 'expire_payment_hold');
    const rival = await signUp(server, 'CUSTOMER');
    await confirmedBooking(other.id, rival);
    await deliver(stripe.settle(lostIntent, 'succeeded'));
    await jobsSettled(server);
    const refunded = await readBooking(lost.id);
    expect(refunded).toMatchObject({ status: 'EXPIRED', refunded: { amount: '80.00' }, refundPending: null });
    expect(refunded.history.slice(-3)).toMatchObject([
      { action: 'booking.payment_refunded', reason: 'paid while expired: refunded in full' },
      { action: 'booking.refund_requested', reason: 'the booking no longer stood when the payment arrived' },
      { action: 'booking.refund_succeeded', reason: 'the booking no longer stood when the payment arrived' },
    ]);
    expect(stripe.calls(/^\/v1\/refunds$/).filter((call) => call.params.payment_intent === lostIntent)).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ payment_intent: lostIntent, amount: '8000' }) }),
    ]);
    expect(await slotCounts(other.id)).toEqual({ booked: 2, held: 0 });
  });
});

describe('refunds', () => {
  it('refunds in full when the customer cancels in time, and marks the payment refunded when Stripe says so', async () => {
    const [slot] = await paidSlots();
    const { booking, intentId } = await confirmedBooking(slot.id);
    const { cancelBooking } = await server.ok(
      CancelBookingDocument,
      { id: booking.id, reason: 'plans changed' },
      customer.token,
    );
    // Asked for at once (pending); counted in `refunded`, and REFUNDED, only once the bank confirmed all of it.
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', refunded: null, refundPending: { amount: '80.00' } });
    expect(cancelBooking.slots[0]).toMatchObject({ booked: 0, held: 0 });
    await jobsSettled(server);
    expect(await readBooking(booking.id)).toMatchObject({
      status: 'REFUNDED',
      refunded: { amount: '80.00' },
      refundPending: null,
      payment: { status: 'REFUNDED' },
    });
    const [refund] = stripe.calls(/^\/v1\/refunds$/).filter((call) => call.params.payment_intent === intentId);
    expect(refund).toMatchObject({
      params: { amount: '8000', 'metadata[bookingId]': booking.id },
      idempotencyKey: expect.stringMatching(/^refund-\d+$/),
    });
  });

  it('keeps the money when the customer cancels inside the cutoff; the provider may still refund part', async () => {
    const [slot] = await paidSlots();
    const { booking, intentId } = await confirmedBooking(slot.id);
    await shiftStart(server, booking.id, 12); // 12 hours ahead: inside the 24-hour cutoff agreed
    const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', refunded: null, refundPending: null });
    const { refundBooking } = await server.ok(RefundBookingDocument, { id: booking.id, amount: '15.50' }, owner.token);
    expect(refundBooking).toMatchObject({ status: 'CANCELLED', refunded: null, refundPending: { amount: '15.50' } });
    await jobsSettled(server);
    expect(stripe.calls(/^\/v1\/refunds$/).filter((call) => call.params.payment_intent === intentId)).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ payment_intent: intentId, amount: '1550' }) }),
    ]);
    // A part came back: the booking stays CANCELLED and another part may follow, up to what was paid.
    expect(await readBooking(booking.id)).toMatchObject({
      status: 'CANCELLED',
      refunded: { amount: '15.50' },
      payment: { status: 'SUCCEEDED' },
    });
    const { refundBooking: rest } = await server.ok(RefundBookingDocument, { id: booking.id }, owner.token);
    expect(rest).toMatchObject({
      status: 'CANCELLED',
      refunded: { amount: '15.50' },
      refundPending: { amount: '64.50' },
    });
    await jobsSettled(server);
    expect(await readBooking(booking.id)).toMatchObject({
      status: 'REFUNDED',
      refunded: { amount: '80.00' },
      payment: { status: 'REFUNDED' },
    });
  });

  it('refunds the difference of a cheaper change and asks for payment for a dearer one', async () => {
    const [slot] = await paidSlots();
    const { booking, intentId } = await confirmedBooking(slot.id, customer, 3);
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 2 } } },
      customer.token,
    );
    expect(modifyBooking).toMatchObject({
      status: 'CONFIRMED',
      price: { total: { amount: '80.00' } },
      refunded: null,
      refundPending: { amount: '40.00' },
    });
    await jobsSettled(server);
    expect(await readBooking(booking.id)).toMatchObject({ refunded: { amount: '40.00' }, refundPending: null });
    expect(
      stripe
        .calls(/^\/v1\/refunds$/)
        .filter((call) => call.params.payment_intent === intentId)
        .map((call) => call.params.amount),
    ).toEqual(['4000']);
    const dearer = await server.request(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 4 } } },
      customer.token,
    );
    expect(codes(dearer)).toEqual(['PAYMENT_REQUIRED']);
    expect(await readBooking(booking.id)).toMatchObject({
      party: { adults: 2 },
      price: { total: { amount: '80.00' } },
    });
  });
});

describe('webhook and Stripe failures', () => {
  it('answers 400 to a bad or missing signature and 413 to a huge body, storing nothing', async () => {
    const [slot] = await paidSlots();
    const { booking, intentId } = await pendingBooking(slot.id);
    const event = stripe.settle(intentId, 'succeeded');
    expect((await stripe.deliver(server.url, event, 't=1,v1=deadbeef')).status).toBe(400);
    expect((await stripe.deliver(server.url, event, null)).status).toBe(400);
    const forged = { ...event, data: { object: { ...stripe.intents.get(intentId), amount: 1 } } };
    const signedOriginal = (await import('stripe')).default.webhooks.generateTestHeaderString({
      payload: JSON.stringify(event),
      secret: WEBHOOK_SECRET,
    });
    expect((await stripe.deliver(server.url, JSON.stringify(forged), signedOriginal)).status).toBe(400);
    expect((await stripe.deliver(server.url, `{"id":"evt_big","pad":"${'x'.repeat(2_000_000)}"}`)).status).toBe(413);
    expect(await server.sql('select id from stripe_event where id in ($1, $2)', [event.id, 'evt_big'])).toEqual([]);
    expect((await readBooking(booking.id)).status).toBe('PENDING_PAYMENT');
  });

  it('keeps an event for an unknown PaymentIntent and retries it without changing anything', async () => {
    const event = stripe.event('payment_intent.succeeded', {
      id: 'pi_unknown',
      object: 'payment_intent',
      status: 'succeeded',
      amount: 100,
      currency: 'eur',
    });
    expect((await stripe.deliver(server.url, event)).status).toBe(200);
    await eventually(async () => {
      const [job] = await server.sql<{ attempts: number; last_error: string }>(
        `select attempts, last_error from graphile_worker.jobs where key = $1`,
        [`stripe-event:${event.id}`],
      );
      return job?.attempts >= 1 && /pi_unknown/.test(job.last_error);
    });
    expect(await server.sql('select processed_at from stripe_event where id = $1', [event.id])).toEqual([
      { processed_at: null },
    ]);
  });

  it.each([
    ['answers 500', 'error'],
    ['does not answer in time', 'hang'],
  ] as const)('books nothing when Stripe %s, and says so', async (_label, mode) => {
    const [slot] = await paidSlots();
    const [{ count: bookingsBefore }] = await server.sql<{ count: string }>('select count(*) from booking');
    stripe.mode = mode;
    try {
      const result = await book({ slotIds: [slot.id], party: { adults: 1 } });
      expect(codes(result)).toEqual(['PAYMENT_PROVIDER_UNAVAILABLE']);
      expect(result.errors![0].message).toMatch(/nothing was booked/);
    } finally {
      stripe.mode = 'ok';
    }
    expect(await server.sql<{ count: string }>('select count(*) from booking')).toEqual([{ count: bookingsBefore }]);
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 0 });
    const { slots } = await server.ok(SlotsDocument, {
      serviceId: (
        await server.sql<{ service_id: number }>('select service_id from slot where id = $1', [slot.id])
      )[0].service_id.toString(),
      from: slot.startsAt,
      to: slot.endsAt,
    });
    expect(slots[0].available).toBe(10);
  });
});
