import type { ParsedMail } from 'mailparser';
import type Stripe from 'stripe';
import {
  AcceptProposalDocument,
  BookDocument,
  CancelBookingDocument,
  JoinWaitlistDocument,
  ModifyBookingDocument,
  ProposeDocument,
} from '../client/generated/graphql';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  intentOf,
  jobsSettled,
  shiftStart,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import type { TestServer } from './support/server';

/** The emails about money, read as delivered over SMTP: each says what its reader needs, in their zone. */
const mailbox = new Mailbox();
let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let customer: Account;

beforeAll(async () => {
  const smtpUrl = `smtp://127.0.0.1:${await mailbox.start()}`;
  ({ stripe, server } = await startWithStripe({ smtpUrl, stripe: { timeoutMs: 1_000 } }));
  owner = await signUp(server, 'PROVIDER', 'Lido Azzurro');
  customer = await signUp(server, 'CUSTOMER', 'Ann Arbor', { timezone: 'America/New_York' });
});
afterAll(() => stopAll(server, stripe, mailbox));
afterEach(() => {
  stripe.refundOutcome = 'succeeded';
});

/** The delivered mails to one address whose subject starts so (and names `about`), once `count` arrived. */
async function delivered(address: string, subject: string, about = '', count = 1): Promise<ParsedMail[]> {
  const found = () =>
    mailbox.to(address).filter((mail) => mail.subject?.startsWith(subject) && mail.subject.includes(about));
  await eventually(async () => found().length >= count, 15_000);
  return found();
}

async function deliver(...events: Stripe.Event[]): Promise<void> {
  for (const event of events) expect((await stripe.deliver(server.url, event)).status).toBe(200);
  await jobsSettled(server);
}

async function paidBooking(adults = 2) {
  const service = await createService(server, owner, {
    name: `Umbrella ${Math.random().toString(36).slice(2, 6)}`,
    requiresPayment: true,
    priceAmount: '40.00',
    cutoffHours: 24,
  });
  const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
  const { book } = await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults } } }, customer.token);
  const intentId = await intentOf(server, book.id);
  await deliver(stripe.settle(intentId, 'succeeded'));
  return { booking: book, intentId };
}

describe('emails about money', () => {
  it('the provider’s “new proposal” says who proposed and at what price; “your proposal was accepted” on a paid service says how much, by when (in the reader’s zone) and how to pay', async () => {
    const service = await createService(server, owner, {
      name: 'Sunset tour',
      bookingMode: 'APPROVAL',
      requiresPayment: true,
      priceAmount: '25.00',
      childRate: 0.5,
      taxRate: 0.1,
    });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const { propose } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slot.id], party: { adults: 2, children: 1 }, message: 'Window seats please' } },
      customer.token,
    );
    const [received] = await delivered(owner.email, 'New booking proposal', 'Sunset tour');
    expect(received.text).toContain('Proposed by: Ann Arbor');
    // 2 x 25.00 + 1 x 12.50 = 62.50, tax 6.25: 68.75.
    expect(received.text).toContain('Proposed price: 68.75 EUR');
    expect(received.text).toMatch(/- .+: 2 adult\(s\) x 25\.00 EUR = 50\.00 EUR/);
    expect(received.text).toMatch(/- .+: 1 child\(ren\) x 12\.50 EUR = 12\.50 EUR/);
    expect(received.text).toContain('- tax: 6.25 EUR');

    const { acceptProposal } = await server.ok(AcceptProposalDocument, { id: propose.id }, owner.token);
    expect(acceptProposal.booking).toMatchObject({ status: 'PENDING_PAYMENT', price: { total: { amount: '68.75' } } });
    const [accepted] = await delivered(customer.email, 'Your proposal was accepted', 'Sunset tour');
    expect(accepted.text).toContain('To pay: 68.75 EUR by card');
    // The hold's end, in New York's time first.
    expect(accepted.text).toMatch(/Pay by: \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d \(E[SD]T\)/);
    expect(accepted.text).toContain('unpaid, they are released');
    expect(accepted.text).toContain(`payment.clientSecret of booking(id: "${acceptProposal.booking!.id}")`);
  });

  it('tells the customer and the provider of a refund once the bank confirmed it, not before', async () => {
    const { booking, intentId } = await paidBooking();
    stripe.refundOutcome = 'pending';
    await server.ok(CancelBookingDocument, { id: booking.id }, customer.token);
    const [cancelled] = await delivered(customer.email, 'Booking cancelled', booking.reference);
    expect(cancelled.text).toContain(
      'Refund: 80.00 EUR (the full amount) is being refunded to the card; you will be told when the bank has paid it',
    );
    await jobsSettled(server);
    expect(
      mailbox.mails.filter(
        (mail) => mail.subject?.startsWith('Refund issued') && mail.subject.includes(booking.reference),
      ),
    ).toEqual([]);
    await deliver(...stripe.settleRefund(stripe.refundsOf(intentId)[0].id, 'succeeded'));
    const [toCustomer] = await delivered(customer.email, 'Refund issued', booking.reference);
    expect(toCustomer.text).toContain('Refunded to you: 80.00 EUR (the bank confirmed it)');
    expect(toCustomer.text).toContain('Refunded in all: 80.00 EUR of 80.00 EUR');
    const [toProvider] = await delivered(owner.email, 'Refund issued', booking.reference);
    expect(toProvider.text).toContain('Refunded to the customer: 80.00 EUR');
  });

  it('reports a refund the bank refused to the provider, with the amount and the bank’s reason; the customer hears nothing of it', async () => {
    const { booking, intentId } = await paidBooking();
    stripe.refundOutcome = 'pending';
    await server.ok(CancelBookingDocument, { id: booking.id }, owner.token);
    await jobsSettled(server);
    await deliver(...stripe.settleRefund(stripe.refundsOf(intentId)[0].id, 'failed', 'lost_or_stolen_card'));
    const [refused] = await delivered(owner.email, 'A refund was refused by the bank', booking.reference);
    expect(refused.text).toContain('The bank refused a refund of 80.00 EUR on this booking');
    expect(refused.text).toContain("The bank's reason: lost_or_stolen_card");
    await jobsSettled(server);
    expect(
      mailbox
        .to(customer.email)
        .filter((mail) => mail.subject?.includes(booking.reference))
        .map((mail) => mail.subject),
    ).toEqual([expect.stringMatching(/^Booking confirmed/), expect.stringMatching(/^Booking cancelled/)]);
  });

  it('mails a cheaper change inside the cutoff saying that nothing comes back', async () => {
    const { booking } = await paidBooking(3);
    await shiftStart(server, booking.id, 12);
    await server.ok(ModifyBookingDocument, { id: booking.id, input: { party: { adults: 2 } } }, customer.token);
    const [changed] = await delivered(customer.email, 'Booking changed', booking.reference);
    expect(changed.text).toContain('- Total: was 120.00 EUR; now 80.00 EUR');
    expect(changed.text).toContain(
      'Refund: none. Nothing comes back: this was done less than 24 hours before the start, and the refund policy agreed at booking gives nothing back then.',
    );
    const [toProvider] = await delivered(owner.email, 'Booking changed', booking.reference);
    expect(toProvider.text).toContain('Refund: none. Nothing comes back');
  });

  it('writes every amount with its currency’s digits and code, also without a minor unit, and a waitlist offer names its price', async () => {
    const service = await createService(server, owner, {
      name: 'Tea ceremony',
      priceAmount: '1500',
      currency: 'JPY',
      capacity: 2,
    });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 2 } } },
      customer.token,
    );
    const waiting = await signUp(server, 'CUSTOMER', 'Wanda Waiting');
    await server.ok(
      JoinWaitlistDocument,
      { input: { serviceId: service.id, slotId: slot.id, partySize: 1 } },
      waiting.token,
    );
    await server.ok(ModifyBookingDocument, { id: book.id, input: { party: { adults: 1 } } }, customer.token);
    const [changed] = await delivered(customer.email, 'Booking changed', book.reference);
    expect(changed.text).toContain('- Total: was 3000 JPY; now 1500 JPY');
    const [offer] = await delivered(waiting.email, 'A place is free for you', 'Tea ceremony');
    expect(offer.text).toContain('Price: 1500 JPY (at the prices of when you joined)');
    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    const [cancelled] = await delivered(customer.email, 'Booking cancelled', book.reference);
    expect(cancelled.text).toContain('Total: 1500 JPY');
    expect(cancelled.text).toContain('Refund: no card payment was taken here');
  });
});
