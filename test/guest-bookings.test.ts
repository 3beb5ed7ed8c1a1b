import { print } from 'graphql';
import type { ParsedMail } from 'mailparser';
import {
  AcceptProposalDocument,
  BookAsGuestDocument,
  BookDocument,
  BookingByManageTokenDocument,
  CancelBookingByManageTokenDocument,
  ConfirmBookingByManageTokenDocument,
  CounterProposeDocument,
  DeclineProposalDocument,
  JoinWaitlistAsGuestDocument,
  MyBookingsPageDocument,
  RescheduleBookingByManageTokenDocument,
  RevokeManageLinksDocument,
  SignUpDocument,
  VerifyEmailDocument,
  type GuestBookInput,
} from '../client/generated/graphql';
import { loadConfig } from '../src/config';
import { TestClock } from './support/clock';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  runJobsNow,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import { codes, type TestServer } from './support/server';

const mailbox = new Mailbox();
const clock = new TestClock();
let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
let freeSlots: string[];
let paidSlots: string[];
let guestNumber = 0;

beforeAll(async () => {
  ({ stripe, server } = await startWithStripe(
    {
      smtpUrl: `smtp://127.0.0.1:${await mailbox.start()}`,
      stripe: { timeoutMs: 2000 },
      rateLimits: {
        ...loadConfig({}).rateLimits,
        signUpPerAddress: 0,
        mutationsPerClient: 0,
        guestBookingsPerAddress: 0,
        guestBookingsPerEmail: 3,
      },
      holds: { ...loadConfig({}).holds, bookingsPerService: 2 },
    },
    clock,
  ));
  stripe.webhookFor = server.url;
  owner = await signUp(server, 'PROVIDER', 'Lido');
  const free = await createService(server, owner, { capacity: 4, priceAmount: '0.00', cutoffHours: 24 });
  freeSlots = (await dailySlots(server, owner, free.id, daysFromNow(3), daysFromNow(12))).map((slot) => slot.id);
  const paid = await createService(server, owner, { capacity: 4, requiresPayment: true, priceAmount: '30.00' });
  paidSlots = (await dailySlots(server, owner, paid.id, daysFromNow(3), daysFromNow(6))).map((slot) => slot.id);
});
afterAll(() => stopAll(server, mailbox, stripe));

const base = () => server.url.replace('/graphql', '');
const newGuest = () => {
  guestNumber += 1;
  return { name: 'Giulia Guest', email: `guest-${guestNumber}-${Date.now()}@example.test` };
};
const input = (slotId: string, contact = newGuest(), adults = 1): GuestBookInput => ({
  slotIds: [slotId],
  party: { adults },
  contact,
});

/** One GraphQL request over plain HTTP, with its status: what a browser's fetch sees. */
// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields its own operation answers
async function post(document: Parameters<typeof print>[0], variables: object): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, body: await response.json() };
}

async function mailsTo(address: string, count = 1): Promise<ParsedMail[]> {
  await jobsSettled(server);
  await eventually(async () => mailbox.to(address).length >= count);
  return mailbox.to(address);
}

/** The manage link a mail carries (on PUBLIC_URL), as served by this test server, and its token. */
function manageLinkIn(mail: ParsedMail): { url: string; token: string } {
  const link = /http:\/\/localhost:4000\/manage\/(\S+)/.exec(mail.text ?? '');
  if (!link) throw new Error(`no manage link in: ${mail.text}`);
  return { url: `${base()}/manage/${link[1]}`, token: link[1] };
}

/** The first group of `pattern` in a mail that reaches `address` over SMTP (waiting for it). */
async function mailedLink(address: string, pattern: RegExp): Promise<string> {
  await jobsSettled(server);
  await eventually(async () => mailbox.to(address).some((mail) => pattern.test(mail.text ?? '')));
  return mailbox
    .to(address)
    .map((mail) => pattern.exec(mail.text ?? ''))
    .find(Boolean)![1];
}

const slotCounts = async (slotId: string) =>
  (await server.sql<{ booked: number; held: number }>('select booked, held from slot where id = $1', [slotId]))[0];

describe('bookAsGuest on a free service', () => {
  it('holds the seats, mails a fixed-text link, and confirms when the guest follows it', async () => {
    const contact = newGuest();
    const answer = await post(BookAsGuestDocument, {
      input: { ...input(freeSlots[0], contact, 2), notes: 'Click http://phish.example now' },
    });
    expect(answer.status).toBe(200);
    const booked = answer.body.data.bookAsGuest;
    expect(booked).toMatchObject({ nextStep: 'CONFIRM_BY_EMAIL', checkoutUrl: null });
    expect(booked.booking.status).toBe('PENDING_CONFIRMATION');
    expect(await slotCounts(freeSlots[0])).toEqual({ booked: 0, held: 2 });

    const [mail] = await mailsTo(contact.email);
    expect(mail.subject).toBe(`Confirm your booking (${booked.booking.reference})`);
    expect(mail.text).not.toContain('phish'); // no words of the booker's
    expect(mail.text).not.toContain(contact.name);
    const { url, token } = manageLinkIn(mail);

    // Opening the link (as a mail scanner would) changes nothing; its form confirms.
    const opened = await fetch(url);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Confirm</button>');
    expect((await server.ok(BookingByManageTokenDocument, { token })).bookingByManageToken.booking.status).toBe(
      'PENDING_CONFIRMATION',
    );
    const confirmed = await fetch(`${url}/confirm`, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Your booking is confirmed.');
    expect(await slotCounts(freeSlots[0])).toEqual({ booked: 2, held: 0 });
    // The provider hears of it once confirmed; the guest gets the fixed text with the link again.
    const [, second] = await mailsTo(contact.email, 2);
    expect(second.subject).toBe(`Booking confirmed (${booked.booking.reference})`);
    expect(manageLinkIn(second).token).toBe(token);
    expect((await mailsTo(owner.email)).some((m) => m.subject?.includes(booked.booking.reference))).toBe(true);
  });

  it('expires when not confirmed in time, freeing the seats', async () => {
    const contact = newGuest();
    const { bookAsGuest } = await server.ok(BookAsGuestDocument, { input: input(freeSlots[1], contact) });
    const { token } = manageLinkIn((await mailsTo(contact.email))[0]);
    clock.advance(31 * 60_000);
    await runJobsNow(server, 'expire_payment_hold');
    clock.advance(-31 * 60_000);
    expect(await slotCounts(freeSlots[1])).toEqual({ booked: 0, held: 0 });
    const late = await server.request(ConfirmBookingByManageTokenDocument, { token });
    expect(codes(late)).toEqual(['INVALID_TRANSITION']);
    const [, released] = await mailsTo(contact.email, 2);
    expect(released.subject).toBe(`Booking not confirmed in time, released (${bookAsGuest.booking!.reference})`);
    expect(bookAsGuest.booking!.holdExpiresAt).toBeTruthy();
  });
});

describe('bookAsGuest refuses', () => {
  it.each([
    ['contact.email', { name: 'Guest', email: 'not an email' }],
    ['contact.name', { name: '   ', email: 'ok@example.test' }],
    ['contact.phone', { name: 'Guest', email: 'ok@example.test', phone: 'call me' }],
  ])('a bad %s: HTTP 200 with BAD_USER_INPUT naming it, nothing written', async (field, contact) => {
    const before = await server.sql('select count(*)::int as n from booking');
    const answer = await post(BookAsGuestDocument, { input: input(freeSlots[2], contact) });
    expect(answer.status).toBe(200);
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await server.sql('select count(*)::int as n from booking')).toEqual(before);
  });

  it('an email that has an account: UNAUTHENTICATED, sign in', async () => {
    const account = await signUp(server, 'CUSTOMER');
    const answer = await post(BookAsGuestDocument, { input: input(freeSlots[2], { name: 'X', email: account.email }) });
    expect(answer.status).toBe(200);
    expect(answer.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('more holds of one email than the caps allow, then more bookings of it than the limit', async () => {
    const contact = newGuest();
    for (const slotId of freeSlots.slice(3, 5))
      expect(codes(await server.request(BookAsGuestDocument, { input: input(slotId, contact) }))).toEqual([]);
    const third = await post(BookAsGuestDocument, { input: input(freeSlots[5], contact) });
    expect(third.status).toBe(200);
    expect(third.body.errors[0].extensions).toMatchObject({
      code: 'HOLD_LIMIT_REACHED',
      limit: 'BOOKINGS_PER_SERVICE',
    });
    const fourth = await post(BookAsGuestDocument, { input: input(paidSlots[3], contact) });
    expect(fourth.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(fourth.body.errors[0].extensions.retryAfter).toBeGreaterThan(0);
  });

  it('a service that takes proposals gets one (the seats stay free), and a slot that does not exist', async () => {
    const approval = await createService(server, owner, { bookingMode: 'APPROVAL' });
    const [slot] = await dailySlots(server, owner, approval.id, daysFromNow(3), daysFromNow(3));
    const { bookAsGuest: proposed } = await server.ok(BookAsGuestDocument, { input: input(slot.id) });
    expect(proposed).toMatchObject({ nextStep: 'WAIT_FOR_PROVIDER', booking: null, holdExpiresAt: null });
    expect(
      await server.sql('select status from proposal where id = $1 and service_id = $2', [
        proposed.proposalId,
        approval.id,
      ]),
    ).toEqual([{ status: 'PENDING' }]);
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 0 });
    expect(codes(await server.request(BookAsGuestDocument, { input: input('999999') }))).toEqual(['NOT_FOUND']);
  });
});

describe('bookAsGuest on a paid service', () => {
  it('answers a Stripe Checkout url; paying there confirms the booking as a card payment does', async () => {
    const contact = newGuest();
    const { bookAsGuest } = await server.ok(BookAsGuestDocument, { input: input(paidSlots[0], contact, 2) });
    expect(bookAsGuest).toMatchObject({ nextStep: 'PAY_AT_CHECKOUT', booking: { status: 'PENDING_PAYMENT' } });
    const [session] = [...stripe.sessions.values()].filter((s) => s.url === bookAsGuest.checkoutUrl);
    expect(session).toMatchObject({
      amount_total: 6000,
      currency: 'eur',
      customer_email: contact.email,
      status: 'open',
    });
    expect(session.expires_at - session.created).toBeGreaterThanOrEqual(1800);
    expect(await slotCounts(paidSlots[0])).toEqual({ booked: 0, held: 2 });

    const paid = await fetch(bookAsGuest.checkoutUrl!, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toMatch(/^http:\/\/localhost:4000\/manage\//);
    await jobsSettled(server);
    await eventually(async () => (await slotCounts(paidSlots[0])).booked === 2);
    const [payment] = await server.sql<{ status: string; intent_id: string }>(
      `select p.status, p.intent_id from payment p join booking b on b.payment_id = p.id where b.reference = $1`,
      [bookAsGuest.booking!.reference],
    );
    expect(payment).toEqual({ status: 'SUCCEEDED', intent_id: session.payment_intent });

    // Cancelled from the manage link, well before the cutoff: refunded in full through Stripe.
    const { token } = manageLinkIn((await mailsTo(contact.email))[0]);
    const { cancelBookingByManageToken: cancelled } = await server.ok(CancelBookingByManageTokenDocument, {
      token,
      reason: 'plans changed',
    });
    expect(cancelled.booking).toMatchObject({ status: 'CANCELLED', cancellationReason: 'plans changed' });
    await jobsSettled(server);
    expect(stripe.refundsOf(session.payment_intent!)).toEqual([expect.objectContaining({ amount: 6000 })]);
  });

  it('an expired session ends the hold', async () => {
    const { bookAsGuest } = await server.ok(BookAsGuestDocument, { input: input(paidSlots[1]) });
    const [session] = [...stripe.sessions.values()].filter((s) => s.url === bookAsGuest.checkoutUrl);
    expect((await stripe.deliver(server.url, stripe.expireSession(session.id))).status).toBe(200);
    await jobsSettled(server);
    expect(await slotCounts(paidSlots[1])).toEqual({ booked: 0, held: 0 });
  });
});

describe('the waitlist of a paid service, as a guest', () => {
  it('claims a freed seat as a booking that waits for its payment at Checkout; paying confirms it', async () => {
    const paid = await createService(server, owner, { capacity: 1, requiresPayment: true, priceAmount: '20.00' });
    const [slot] = await dailySlots(server, owner, paid.id, daysFromNow(8), daysFromNow(8));
    const { bookAsGuest: first } = await server.ok(BookAsGuestDocument, { input: input(slot.id) });
    const waiting = newGuest();
    const { joinWaitlistAsGuest: entry } = await server.ok(JoinWaitlistAsGuestDocument, {
      input: { serviceId: paid.id, slotId: slot.id, partySize: 1, contact: waiting },
    });
    expect(entry).toMatchObject({ status: 'ACTIVE', position: 1 });

    // The first guest never pays: the hold ends, and the seat is offered (held) to the one waiting.
    const [expiring] = [...stripe.sessions.values()].filter((s) => s.url === first.checkoutUrl);
    expect((await stripe.deliver(server.url, stripe.expireSession(expiring.id))).status).toBe(200);
    await jobsSettled(server);
    // Mailed as it is (fixed words and the claim link), though a guest's address is never confirmed.
    const token = await mailedLink(waiting.email, /http:\/\/localhost:4000\/waitlist-offer\/(\S+)/);
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 1 });

    const claimed = await fetch(`${base()}/waitlist-offer/${token}/claim`, { method: 'POST' });
    expect(claimed.status).toBe(200);
    const page = await claimed.text();
    expect(page).toContain('data-status="PENDING_PAYMENT"');
    const [session] = [...stripe.sessions.values()].filter((s) => s.customer_email === waiting.email);
    expect(session).toMatchObject({ amount_total: 2000, currency: 'eur', status: 'open' });
    expect(page).toContain(`<a href="${session.url}" rel="noreferrer">Pay now</a>`);
    expect(await slotCounts(slot.id)).toEqual({ booked: 0, held: 1 });

    const paying = await fetch(session.url!, { method: 'POST', redirect: 'manual' });
    expect(paying.status).toBe(303);
    expect(paying.headers.get('location')).toMatch(/^http:\/\/localhost:4000\/manage\//);
    await jobsSettled(server);
    await eventually(async () => (await slotCounts(slot.id)).booked === 1);
    const [booking] = await server.sql<{ status: string; payment: string }>(
      `select b.status, p.status as payment from booking b join payment p on p.id = b.payment_id
       where b.contact->>'email' = $1 or b.customer_id = (select id from app_user where email = $1)`,
      [waiting.email],
    );
    expect(booking).toEqual({ status: 'CONFIRMED', payment: 'SUCCEEDED' });
  });
});

describe('a proposal sent as a guest', () => {
  it('hears the provider’s decline and counter-offer by email (none of its own words) and accepts the offer from its link', async () => {
    const approval = await createService(server, owner, { bookingMode: 'APPROVAL', priceAmount: '15.00' });
    const slots = await dailySlots(server, owner, approval.id, daysFromNow(9), daysFromNow(11));
    const contact = newGuest();
    const propose = async (slotId: string) =>
      (
        await server.ok(BookAsGuestDocument, {
          input: { ...input(slotId, contact), notes: 'Click http://phish.example' },
        })
      ).bookAsGuest;
    const [first, second] = [await propose(slots[0].id), await propose(slots[1].id)];
    expect(first).toMatchObject({ nextStep: 'WAIT_FOR_PROVIDER', booking: null });
    await server.ok(DeclineProposalDocument, { id: first.proposalId!, reason: 'Closed for an event' }, owner.token);
    await server.ok(
      CounterProposeDocument,
      { id: second.proposalId!, slotIds: [slots[2].id], message: 'The day after?' },
      owner.token,
    );
    await jobsSettled(server);
    // Sent as they are over SMTP (a guest's address is never confirmed: no "new message" notice in their place).
    const subjects = ['Your proposal was declined', 'Your proposal has a counter-offer'];
    await eventually(async () =>
      subjects.every((subject) => mailbox.to(contact.email).some((m) => m.subject?.startsWith(subject))),
    );
    const [declined, countered] = subjects.map(
      (subject) => mailbox.to(contact.email).find((m) => m.subject?.startsWith(subject))!,
    );
    for (const mail of [declined, countered]) expect(mail.text).not.toContain('phish');
    expect(declined.text).toContain('Closed for an event');
    expect(declined.text).toContain(
      'to answer it another way, sign up at http://localhost:4000 with this email address',
    );
    expect(countered.text).toContain('The day after?');

    // The counter-offer's link accepts it: GET shows a form (changing nothing), its POST books the offered slot.
    const link = /Accept it at http:\/\/localhost:4000\/counter-offer\/(\S+)/.exec(countered.text ?? '');
    expect(link).not.toBeNull();
    const url = `${base()}/counter-offer/${link![1]}`;
    const shown = await fetch(url);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Accept the offer</button>');
    expect(
      (await fetch(`${base()}/counter-offer/${first.proposalId}.${'A'.repeat(43)}/accept`, { method: 'POST' })).status,
    ).toBe(404);
    const accepted = await fetch(`${url}/accept`, { method: 'POST' });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('data-status="CONFIRMED"');
    const [booked] = await server.sql<{ status: string; slot_id: number }>(
      `select p.status, bs.slot_id from proposal p join booking_slot bs on bs.booking_id = p.booking_id where p.id = $1`,
      [second.proposalId],
    );
    expect(booked).toEqual({ status: 'ACCEPTED', slot_id: Number(slots[2].id) });
    const again = await fetch(`${url}/accept`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('pays an accepted proposal of a card-paid service at Stripe Checkout, from the link of the acceptance email', async () => {
    const paid = await createService(server, owner, {
      bookingMode: 'APPROVAL',
      requiresPayment: true,
      priceAmount: '25.00',
    });
    const [slot] = await dailySlots(server, owner, paid.id, daysFromNow(13), daysFromNow(13));
    const contact = newGuest();
    const { bookAsGuest: proposed } = await server.ok(BookAsGuestDocument, { input: input(slot.id, contact) });
    await server.ok(AcceptProposalDocument, { id: proposed.proposalId! }, owner.token);
    await jobsSettled(server);
    const manage = await mailedLink(
      contact.email,
      /How to pay: open (http:\/\/localhost:4000\/manage\/\S+) and pay by card\./,
    );
    const shown = await (await fetch(manage.replace('http://localhost:4000', base()))).text();
    expect(shown).toContain('data-status="PENDING_PAYMENT"');
    const [session] = [...stripe.sessions.values()].filter((s) => s.customer_email === contact.email);
    expect(session).toMatchObject({ amount_total: 2500, status: 'open' });
    expect(shown).toContain(`<a href="${session.url}" rel="noreferrer">Pay now</a>`);
    expect((await fetch(session.url!, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await jobsSettled(server);
    await eventually(async () => (await slotCounts(slot.id)).booked === 1);
  });
});

describe('a manage link', () => {
  async function confirmedGuestBooking(slotId: string) {
    const contact = newGuest();
    await server.ok(BookAsGuestDocument, { input: input(slotId, contact) });
    const { token } = manageLinkIn((await mailsTo(contact.email))[0]);
    await server.ok(ConfirmBookingByManageTokenDocument, { token });
    return { token, contact };
  }

  it('moves the booking to another free slot of its service, and cancels it', async () => {
    const { token } = await confirmedGuestBooking(freeSlots[6]);
    const { rescheduleBookingByManageToken: moved } = await server.ok(RescheduleBookingByManageTokenDocument, {
      token,
      slotIds: [freeSlots[7]],
      reason: 'a day later suits us',
    });
    expect(moved.booking.status).toBe('CONFIRMED');
    expect(await slotCounts(freeSlots[6])).toEqual({ booked: 0, held: 0 });
    expect(await slotCounts(freeSlots[7])).toEqual({ booked: 1, held: 0 });
    const otherService = await server.request(RescheduleBookingByManageTokenDocument, {
      token,
      slotIds: [paidSlots[2]],
    });
    expect(codes(otherService)).toEqual(['BAD_USER_INPUT']);
    const { cancelBookingByManageToken } = await server.ok(CancelBookingByManageTokenDocument, { token });
    expect(cancelBookingByManageToken).toMatchObject({ canCancel: false, booking: { status: 'CANCELLED' } });
    expect(await slotCounts(freeSlots[7])).toEqual({ booked: 0, held: 0 });
  });

  it('forged, altered, another booking’s or revoked: NOT_FOUND, changing nothing', async () => {
    const { token } = await confirmedGuestBooking(freeSlots[8]);
    const [id, generation, signature] = token.split('.');
    const forged = [
      `${Number(id) + 1}.${generation}.${signature}`, // another booking with this one's signature
      `${id}.${Number(generation) + 1}.${signature}`,
      `${id}.${generation}.${signature.slice(0, -2)}AA`,
      'nonsense',
    ];
    for (const bad of forged) {
      const answer = await post(CancelBookingByManageTokenDocument, { token: bad });
      expect([bad, answer.status, answer.body.errors[0].extensions]).toEqual([
        bad,
        200,
        expect.objectContaining({ code: 'NOT_FOUND', reason: 'INVALID' }),
      ]);
      expect((await fetch(`${base()}/manage/${encodeURIComponent(bad)}`)).status).toBe(404);
    }
    expect(await server.ok(RevokeManageLinksDocument, { token })).toEqual({ revokeManageLinks: true });
    const revoked = await server.request(BookingByManageTokenDocument, { token });
    expect(revoked.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'REVOKED' });
    expect(await slotCounts(freeSlots[8])).toEqual({ booked: 1, held: 0 });
  });

  it("comes in a signed-in customer's emails too, and acts as that customer", async () => {
    const customer = await signUp(server, 'CUSTOMER');
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [freeSlots[5]], party: { adults: 1 } } },
      customer.token,
    );
    const mail = (await mailsTo(customer.email, 2)).find((m) => m.subject?.startsWith('Booking confirmed'))!;
    expect(mail.text).toContain('Cancel or move it (no sign-in needed): http://localhost:4000/manage/');
    const { token } = manageLinkIn(mail);
    const { cancelBookingByManageToken } = await server.ok(CancelBookingByManageTokenDocument, {
      token,
      reason: 'ill',
    });
    expect(cancelBookingByManageToken.booking).toMatchObject({ reference: book.reference, status: 'CANCELLED' });
    const [entry] = await server.sql<{ actor_id: number }>(
      `select actor_id from audit_entry where booking_id = $1 and action = 'booking.cancelled'`,
      [book.id],
    );
    expect(String(entry.actor_id)).toBe(customer.userId);
  });

  it('expires once its booking has ended', async () => {
    const { token } = await confirmedGuestBooking(freeSlots[9]);
    clock.advance(14 * 24 * 3_600_000);
    const ended = await server.request(BookingByManageTokenDocument, { token });
    expect(ended.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'EXPIRED' });
    expect((await fetch(`${base()}/manage/${token}`)).status).toBe(410);
    clock.advance(-14 * 24 * 3_600_000);
  });
});

describe('a guest who signs up with that email', () => {
  it('sees the bookings made as a guest once the address is verified', async () => {
    const contact = newGuest();
    const { bookAsGuest } = await server.ok(BookAsGuestDocument, { input: input(freeSlots[2], contact) });
    const { signUp: account } = await server.ok(SignUpDocument, {
      input: { email: contact.email, password: 'password123', name: 'Giulia', role: 'CUSTOMER' },
    });
    const before = await server.ok(MyBookingsPageDocument, { first: 10 }, account.token);
    expect(before.myBookingsConnection.edges).toEqual([]); // not before proving the address
    const verification = (await mailsTo(contact.email, 2)).find((mail) =>
      /verify-email\?token=/.test(mail.text ?? ''),
    )!;
    const verifyToken = /verify-email\?token=(\S+)/.exec(verification.text!)![1];
    expect(await server.ok(VerifyEmailDocument, { token: verifyToken })).toEqual({ verifyEmail: true });
    const after = await server.ok(MyBookingsPageDocument, { first: 10 }, account.token);
    const [adopted] = await server.sql<{ id: number }>('select id from booking where reference = $1', [
      bookAsGuest.booking!.reference,
    ]);
    expect(after.myBookingsConnection.edges.map((edge) => edge.node.id)).toEqual([String(adopted.id)]);
    expect(await server.sql('select id from app_user where email = $1 and guest', [contact.email])).toEqual([]);
  });
});
