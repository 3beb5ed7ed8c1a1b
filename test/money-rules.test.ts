import {
  BookDocument,
  BookingDocument,
  CancelBookingDocument,
  ClaimWaitlistOfferDocument,
  JoinWaitlistDocument,
  ModifyBookingDocument,
  MyWaitlistDocument,
  RefundBookingDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { FakeStripe, SECRET_KEY, WEBHOOK_SECRET } from './support/fake-stripe';
import { createService, dailySlots, daysFromNow, jobsSettled, signUp, type Account } from './support/fixtures';
import { codes, startTestServer, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let customer: Account;

beforeAll(async () => {
  stripe = await FakeStripe.start();
  server = await startTestServer({
    stripe: { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiUrl: stripe.url, timeoutMs: 300 },
  });
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'CUSTOMER')]);
});
afterAll(async () => {
  await server.stop();
  await stripe.stop();
});

/** A paid service (40.00 a seat, 24 h cutoff) with daily slots from 5 days ahead. */
async function paidSlots(days = 1, input: Record<string, unknown> = {}) {
  const service = await createService(server, owner, {
    requiresPayment: true,
    priceAmount: '40.00',
    cutoffHours: 24,
    ...input,
  });
  return { service, slots: await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5 + days - 1)) };
}

const readBooking = async (id: string, who: Account = customer) =>
  (await server.ok(BookingDocument, { id }, who.token)).booking!;

/** A booking of `adults` paid by card (the bank's success delivered and applied). */
async function paidBooking(slotIds: string[], adults = 2) {
  const { book } = await server.ok(BookDocument, { input: { slotIds, party: { adults } } }, customer.token);
  const [{ intent_id: intentId }] = await server.sql<{ intent_id: string }>(
    'select p.intent_id from payment p join booking b on b.payment_id = p.id where b.id = $1',
    [book.id],
  );
  expect((await stripe.deliver(server.url, stripe.settle(intentId, 'succeeded'))).status).toBe(200);
  await jobsSettled(server);
  return { booking: await readBooking(book.id), intentId };
}

/**
 * Moves a booking (and its slots) so that it starts `hours` from now (negative: started that long ago),
 * since the server's clock is not ours to turn here; relative to now, so the time of day does not matter.
 */
async function startIn(bookingId: string, hours: number) {
  const [{ shift }] = await server.sql<{ shift: string }>(
    `select (now() + $2::interval - starts_at)::text as shift from booking where id = $1`,
    [bookingId, `${hours} hours`],
  );
  await server.sql(
    `update slot set starts_at = starts_at + $2::interval, ends_at = ends_at + $2::interval where id in (select slot_id from booking_slot where booking_id = $1)`,
    [bookingId, shift],
  );
  await server.sql(
    `update booking set starts_at = starts_at + $2::interval, ends_at = ends_at + $2::interval where id = $1`,
    [bookingId, shift],
  );
}

const refundsOf = (intentId: string) =>
  stripe
    .calls(/^\/v1\/refunds$/)
    .filter((call) => call.params.payment_intent === intentId)
    .map((call) => call.params.amount);

describe('money rules', () => {
  it('refunds nothing when the customer lowers the party inside the cutoff; the provider’s change still refunds', async () => {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id], 3);
    await startIn(booking.id, 12); // inside the 24-hour cutoff
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 2 } } },
      customer.token,
    );
    expect(modifyBooking).toMatchObject({ price: { total: { amount: '80.00' } }, refunded: null });
    const { modifyBooking: byOwner } = await server.ok(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 1 } } },
      owner.token,
    );
    expect(byOwner).toMatchObject({ price: { total: { amount: '40.00' } }, refunded: { amount: '40.00' } });
    await jobsSettled(server);
    expect(refundsOf(intentId)).toEqual(['4000']);
  });

  it('lets no customer change or cancel a booking once it started; the provider still may cancel', async () => {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id], 2);
    await startIn(booking.id, -1); // started an hour ago
    const change = await server.request(
      ModifyBookingDocument,
      { id: booking.id, input: { party: { adults: 1 } } },
      customer.token,
    );
    expect([codes(change), change.errors![0].extensions.rule]).toEqual([['INVALID_TRANSITION'], 'STARTED']);
    const cancel = await server.request(CancelBookingDocument, { id: booking.id }, customer.token);
    expect([codes(cancel), cancel.errors![0].extensions.rule]).toEqual([['INVALID_TRANSITION'], 'STARTED']);
    expect(await readBooking(booking.id)).toMatchObject({
      status: 'CONFIRMED',
      refunded: null,
      slots: [{ booked: 2 }],
    });
    const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id, reason: 'storm' }, owner.token);
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', refunded: { amount: '80.00' } });
    await jobsSettled(server);
    expect(refundsOf(intentId)).toEqual(['8000']);
  });

  it('keeps the agreed unit price of the slots a change keeps; only new slots take today’s price', async () => {
    const { service, slots } = await paidSlots(2, { requiresPayment: false });
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
      customer.token,
    );
    expect(book.price.total.amount).toBe('80.00');
    await server.ok(UpdateServiceDocument, { id: service.id, input: { priceAmount: '50.00' } }, owner.token);
    const { modifyBooking } = await server.ok(
      ModifyBookingDocument,
      { id: book.id, input: { slotIds: [slots[0].id, slots[1].id] } },
      customer.token,
    );
    expect(modifyBooking.price.total.amount).toBe('180.00'); // 2 x 40.00 kept + 2 x 50.00 new
  });

  it('shows a refund the bank refuses, takes it out of `refunded`, tells the provider, and never reads REFUNDED', async () => {
    const { slots } = await paidSlots();
    const { booking, intentId } = await paidBooking([slots[0].id], 2);
    stripe.refundOutcome = 'failed';
    try {
      const { cancelBooking } = await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
      expect(cancelBooking).toMatchObject({ status: 'CANCELLED', refunded: { amount: '80.00' } });
      await jobsSettled(server);
    } finally {
      stripe.refundOutcome = 'succeeded';
    }
    expect(refundsOf(intentId)).toEqual(['8000']);
    const read = await readBooking(booking.id);
    expect(read).toMatchObject({ status: 'CANCELLED', refunded: null, payment: { status: 'SUCCEEDED' } });
    expect(read.history.at(-1)).toMatchObject({ action: 'booking.refund_failed', reason: 'Stripe answered failed' });
    const mails = await server.sql<{ to: string; subject: string }>(
      'select "to", subject from message where subject like $1 order by id',
      [`%${booking.reference}%`],
    );
    expect(mails.filter((mail) => mail.subject.startsWith('A refund was refused'))).toEqual([
      { to: owner.email, subject: expect.any(String) },
    ]);
    expect(mails.filter((mail) => mail.subject.startsWith('Refund issued'))).toEqual([]);
    // The provider can try again for what is left: the refused part is refundable again.
    const { refundBooking } = await server.ok(RefundBookingDocument, { id: booking.id }, owner.token);
    expect(refundBooking).toMatchObject({ refunded: { amount: '80.00' } });
    await jobsSettled(server);
    expect(await readBooking(booking.id)).toMatchObject({ status: 'REFUNDED', refunded: { amount: '80.00' } });
  });

  it('prices a claimed waitlist offer for the party it was joined with', async () => {
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
    await server.ok(CancelBookingDocument, { id: book.id }, other.token);
    const { myWaitlist } = await server.ok(MyWaitlistDocument, {}, customer.token);
    expect(myWaitlist.find((entry) => entry.id === joinWaitlist.id)).toMatchObject({ status: 'OFFERED' });
    const { claimWaitlistOffer } = await server.ok(ClaimWaitlistOfferDocument, { id: joinWaitlist.id }, customer.token);
    expect(claimWaitlistOffer).toMatchObject({
      status: 'CONFIRMED',
      party: { adults: 1, children: 1 },
      price: { total: { amount: '60.00' } },
      slots: [{ booked: 2, held: 0 }],
    });
  });
});
