import type { ParsedMail } from 'mailparser';
import {
  BookDocument,
  CancelBookingDocument,
  CompleteBookingDocument,
  CreateSlotDocument,
  ModifyBookingDocument,
  ProposeDocument,
  UpdateMeDocument,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import { createService, jobsSettled, runJobsNow, signUp, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import { startTestServer, type TestServer } from './support/server';

const HOUR = 3_600_000;
const APP_URL = 'https://app.example.test';
const mailbox = new Mailbox();
const clock = new TestClock();
let server: TestServer;
let appServer: TestServer;
let owner: Account;
let customer: Account;

/** A customer whose account is set to a zone of their own. */
const customerIn = (target: TestServer, timezone: string, name: string): Promise<Account> =>
  signUp(target, 'CUSTOMER', name, { timezone });

beforeAll(async () => {
  const smtpUrl = `smtp://127.0.0.1:${await mailbox.start()}`;
  [server, appServer] = await Promise.all([
    startTestServer({ smtpUrl }, clock),
    startTestServer({ smtpUrl, appUrl: APP_URL }),
  ]);
  owner = await signUp(server, 'PROVIDER', 'Lido Azzurro');
  customer = await customerIn(server, 'America/New_York', 'Ann');
});
afterAll(async () => {
  await Promise.all([server.stop(), appServer.stop()]);
  await mailbox.stop();
});

/** A slot of a service at an exact instant (tests pick winter and summer dates). */
async function slotAt(target: TestServer, provider: Account, serviceId: string, startsAt: Date, hours = 1) {
  const { createSlot } = await target.ok(
    CreateSlotDocument,
    { serviceId, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + hours * HOUR).toISOString() },
    provider.token,
  );
  return createSlot;
}

/** The mails of one booking to one address whose subject starts so, once they arrived. */
async function mailsOf(reference: string, address: string, subject: string, count = 1): Promise<ParsedMail[]> {
  const found = () =>
    mailbox.to(address).filter((mail) => mail.subject?.startsWith(subject) && mail.subject.includes(reference));
  await eventually(async () => found().length >= count, 15_000);
  return found();
}

/** The link of a mail, opened on the test server (PUBLIC_URL names port 0 in tests). */
function onServer(target: TestServer, link: string): string {
  const url = new URL(link);
  return `${new URL(target.url).origin}${url.pathname}${url.search}`;
}

const linkIn = (mail: ParsedMail) => /See it at (\S+)/.exec(mail.text ?? '')![1];

describe("emails in the reader's time zone", () => {
  it('writes Rome in winter as CET and in summer as CEST, and a New York customer gets their own wall time first', async () => {
    const service = await createService(server, owner, { name: 'Gondola ride' });
    const winter = await slotAt(server, owner, service.id, new Date('2027-01-15T08:00:00Z')); // 09:00 in Rome
    const summer = await slotAt(server, owner, service.id, new Date('2027-07-15T07:00:00Z')); // 09:00 in Rome
    const { book: cold } = await server.ok(
      BookDocument,
      { input: { slotIds: [winter.id], party: { adults: 1 } } },
      customer.token,
    );
    const { book: warm } = await server.ok(
      BookDocument,
      { input: { slotIds: [summer.id], party: { adults: 1 } } },
      customer.token,
    );

    const [toAnnWinter] = await mailsOf(cold.reference, customer.email, 'Booking confirmed');
    expect(toAnnWinter.text).toContain(
      'From: Fri 15 Jan 2027, 03:00 (EST); at the service: Fri 15 Jan 2027, 09:00 (CET)',
    );
    const [toAnnSummer] = await mailsOf(warm.reference, customer.email, 'Booking confirmed');
    expect(toAnnSummer.text).toContain(
      'From: Thu 15 Jul 2027, 03:00 (EDT); at the service: Thu 15 Jul 2027, 09:00 (CEST)',
    );
    expect(toAnnSummer.text).not.toMatch(/GMT\+/);

    // The provider's account is in UTC: its own zone first, then the service's.
    const [toOwner] = await mailsOf(cold.reference, owner.email, 'Booking confirmed');
    expect(toOwner.text).toContain('From: Fri 15 Jan 2027, 08:00 (UTC); at the service: Fri 15 Jan 2027, 09:00 (CET)');
  });

  it('names X-WR-TIMEZONE before the event in the invite', async () => {
    const service = await createService(server, owner);
    const slot = await slotAt(server, owner, service.id, new Date('2027-02-01T09:00:00Z'));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    await mailsOf(book.reference, customer.email, 'Booking confirmed');
    const [{ calendar }] = await server.sql<{ calendar: string }>(
      `select calendar from message where subject like $1 limit 1`,
      [`%${book.reference}%`],
    );
    expect(calendar.indexOf('X-WR-TIMEZONE:Europe/Rome')).toBeGreaterThan(0);
    expect(calendar.indexOf('X-WR-TIMEZONE:Europe/Rome')).toBeLessThan(calendar.indexOf('BEGIN:VEVENT'));
  });
});

describe('emails that name the other party, who acted and why', () => {
  it('tells the provider who booked and what they need, and the customer whom they booked with', async () => {
    const service = await createService(server, owner, { name: 'Boat trip' });
    const slot = await slotAt(server, owner, service.id, new Date('2027-03-01T09:00:00Z'));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 2, children: 1 }, specialRequirements: 'Wheelchair access' } },
      customer.token,
    );
    const [toOwner] = await mailsOf(book.reference, owner.email, 'Booking confirmed');
    expect(toOwner.text).toContain('Booked by: Ann');
    expect(toOwner.text).toContain('Needs: Wheelchair access');
    expect(toOwner.text).toContain('Party: 2 adult(s), 1 child(ren), 0 infant(s)');
    const [toAnn] = await mailsOf(book.reference, customer.email, 'Booking confirmed');
    expect(toAnn.text).toContain('With: Lido Azzurro');
    expect(toAnn.text).not.toContain(owner.email);
  });

  it('says what a change changed, and who cancelled, why, and what happens to the money', async () => {
    const service = await createService(server, owner);
    const first = await slotAt(server, owner, service.id, new Date('2027-04-01T08:00:00Z'));
    const second = await slotAt(server, owner, service.id, new Date('2027-04-02T08:00:00Z'));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [first.id], party: { adults: 1 } } },
      customer.token,
    );
    await server.ok(
      ModifyBookingDocument,
      { id: book.id, input: { slotIds: [second.id], party: { adults: 2 }, reason: 'a friend joins' } },
      customer.token,
    );
    const [changed] = await mailsOf(book.reference, owner.email, 'Booking changed');
    expect(changed.text).toContain('Changed by: the customer (Ann)');
    expect(changed.text).toContain('Reason: a friend joins');
    // Before → after, in the reader's zone, the service's below it.
    expect(changed.text).toContain(
      [
        '- Time: Thu 1 Apr 2027, 08:00 to 09:00 (UTC) → Fri 2 Apr 2027, 08:00 to 09:00 (UTC)',
        '  at the service: Thu 1 Apr 2027, 10:00 to 11:00 (CEST) → Fri 2 Apr 2027, 10:00 to 11:00 (CEST)',
      ].join('\n'),
    );
    expect(changed.text).toContain(
      '- Party: was 1 adult(s), 0 child(ren), 0 infant(s); now 2 adult(s), 0 child(ren), 0 infant(s)',
    );
    expect(changed.text).toContain('- Total: was 20.00 EUR; now 40.00 EUR');

    await server.ok(CancelBookingDocument, { id: book.id, reason: 'Storm warning' }, owner.token);
    const [cancelled] = await mailsOf(book.reference, customer.email, 'Booking cancelled');
    expect(cancelled.text).toContain('Cancelled by: the provider (Lido Azzurro)');
    expect(cancelled.text).toContain('Reason: Storm warning');
    expect(cancelled.text).toContain('Refund: no card payment was taken here');

    const { book: second2 } = await server.ok(
      BookDocument,
      { input: { slotIds: [first.id], party: { adults: 1 } } },
      customer.token,
    );
    await server.ok(CancelBookingDocument, { id: second2.id }, customer.token);
    const [byCustomer] = await mailsOf(second2.reference, owner.email, 'Booking cancelled');
    expect(byCustomer.text).toContain('Cancelled by: the customer (Ann)');
    expect(byCustomer.text).not.toContain('Reason:');
  });
});

describe('what each reader needs', () => {
  it("tells the provider whom the booking is for, how to reach them and what they need (diet, accessibility), in the provider's own zone", async () => {
    const provider = await signUp(server, 'PROVIDER', 'Trattoria Tokyo');
    await server.ok(UpdateMeDocument, { input: { timezone: 'Asia/Tokyo' } }, provider.token);
    const service = await createService(server, provider, { name: 'Cooking lesson' });
    const slot = await slotAt(server, provider, service.id, new Date('2027-01-20T08:00:00Z'));
    const { book } = await server.ok(
      BookDocument,
      {
        input: {
          slotIds: [slot.id],
          party: { adults: 2 },
          contact: { name: 'Grace Guest', email: 'grace@example.test', phone: '+39 06 1234 5678', company: 'Navy' },
          dietaryRestrictions: 'Coeliac: no gluten at all',
          accessibilityNeeds: 'Wheelchair, step-free entrance',
          specialRequirements: 'A high chair',
        },
      },
      customer.token,
    );
    const [toProvider] = await mailsOf(book.reference, provider.email, 'Booking confirmed');
    expect(toProvider.text).toContain('Booked by: Ann');
    expect(toProvider.text).toContain('Guest: Grace Guest, grace@example.test, +39 06 1234 5678, Navy');
    expect(toProvider.text).toContain('Needs: A high chair');
    expect(toProvider.text).toContain('Dietary restrictions: Coeliac: no gluten at all');
    expect(toProvider.text).toContain('Accessibility needs: Wheelchair, step-free entrance');
    expect(toProvider.text).toContain(
      'From: Wed 20 Jan 2027, 17:00 (GMT+9); at the service: Wed 20 Jan 2027, 09:00 (CET)',
    );
    // The guest hears what the customer hears: the booking, not the provider's notes about the party.
    const [toGuest] = await mailsOf(book.reference, 'grace@example.test', 'Booking confirmed');
    expect(toGuest.text).toContain('With: Trattoria Tokyo');
    expect(toGuest.text).not.toContain('Dietary restrictions');
  });

  it("writes a proposal's slots as spans in the reader's zone", async () => {
    const provider = await signUp(server, 'PROVIDER', 'Atelier Tokyo');
    await server.ok(UpdateMeDocument, { input: { timezone: 'Asia/Tokyo' } }, provider.token);
    const service = await createService(server, provider, { name: 'Portrait', bookingMode: 'APPROVAL' });
    const slot = await slotAt(server, provider, service.id, new Date('2027-01-21T08:00:00Z'));
    const { propose } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    await eventually(
      async () => mailbox.to(provider.email).some((mail) => mail.subject?.startsWith('New booking proposal')),
      15_000,
    );
    const [received] = mailbox.to(provider.email).filter((mail) => mail.subject?.startsWith('New booking proposal'));
    expect(received.text).toContain(
      'Slot: Thu 21 Jan 2027, 17:00 to 18:00 (GMT+9); at the service: Thu 21 Jan 2027, 09:00 to 10:00 (CET)',
    );
    expect(propose.id).toBeTruthy();
  });
});

describe('completion, no-show and the follow-up', () => {
  it('emails the customer when the booking is completed or a no-show, and a follow-up with a review link hours after it ended', async () => {
    const service = await createService(server, owner, { name: 'Cooking class' });
    const done = await slotAt(server, owner, service.id, new Date(clock.now().getTime() + 2 * HOUR));
    const missed = await slotAt(server, owner, service.id, new Date(clock.now().getTime() + 4 * HOUR));
    const { book: attended } = await server.ok(
      BookDocument,
      { input: { slotIds: [done.id], party: { adults: 1 } } },
      customer.token,
    );
    const { book: absent } = await server.ok(
      BookDocument,
      { input: { slotIds: [missed.id], party: { adults: 1 } } },
      customer.token,
    );
    await jobsSettled(server, ['booking_created']); // a new booking's one job queues its follow-up
    const followUps = async () =>
      server.sql<{ key: string; run_at: Date }>(
        `select key, run_at from graphile_worker.jobs where task_identifier = 'booking_follow_up' and key in ($1, $2) order by key`,
        [`booking-follow-up:${attended.id}`, `booking-follow-up:${absent.id}`],
      );
    expect((await followUps()).length).toBe(2);
    const [job] = (await followUps()).filter((row) => row.key === `booking-follow-up:${attended.id}`);
    expect(job.run_at.toISOString()).toBe(new Date(Date.parse(done.endsAt) + 2 * HOUR).toISOString()); // FOLLOW_UP_HOURS defaults to 2

    clock.advance(6 * HOUR);
    await server.ok(CompleteBookingDocument, { id: attended.id }, owner.token);
    await server.ok(CompleteBookingDocument, { id: absent.id, noShow: true }, owner.token);
    const [completed] = await mailsOf(attended.reference, customer.email, 'Booking completed');
    expect(completed.text).toContain('Thank you for booking with Lido Azzurro.');
    expect(completed.text).toMatch(new RegExp(`review it at \\S+/bookings/${attended.id}\\?sig=`));
    const [noShow] = await mailsOf(absent.reference, customer.email, 'Booking marked as a no-show');
    expect(noShow.text).toContain('Lido Azzurro marked this booking as a no-show');
    expect((await followUps()).map((row) => row.key)).toEqual([`booking-follow-up:${attended.id}`]); // a no-show gets none

    clock.advance(2 * HOUR);
    await runJobsNow(server, 'booking_follow_up');
    const [followUp] = await mailsOf(attended.reference, customer.email, 'How was it?');
    expect(followUp.text).toContain('review it at');
    const page = await fetch(onServer(server, linkIn(followUp)));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`createReview(bookingId: "${attended.id}"`);
    expect(
      mailbox
        .to(customer.email)
        .filter((mail) => mail.subject?.startsWith('How was it?') && mail.subject.includes(absent.reference)),
    ).toHaveLength(0);
  });

  it('sends no follow-up for a booking cancelled before it ended', async () => {
    const service = await createService(server, owner);
    const slot = await slotAt(server, owner, service.id, new Date(clock.now().getTime() + 3 * HOUR));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    expect(
      await server.sql(`select 1 from graphile_worker.jobs where key = $1`, [`booking-follow-up:${book.id}`]),
    ).toEqual([]);
  });
});

describe('the booking page behind a signed link', () => {
  it("shows the participant's booking in their zone, escaped, with no one's email, and 404s a forged or another booking's signature", async () => {
    const service = await createService(server, owner, { name: 'Sunset <script>alert(1)</script> cruise' });
    const slot = await slotAt(server, owner, service.id, new Date('2027-05-10T16:00:00Z'));
    const other = await slotAt(server, owner, service.id, new Date('2027-05-11T16:00:00Z'));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    const { book: second } = await server.ok(
      BookDocument,
      { input: { slotIds: [other.id], party: { adults: 1 } } },
      customer.token,
    );
    await server.ok(CancelBookingDocument, { id: book.id, reason: 'Engine <b>trouble</b>' }, owner.token);
    const [mail] = await mailsOf(book.reference, customer.email, 'Booking cancelled');
    const link = linkIn(mail);
    expect(link).toMatch(new RegExp(`/bookings/${book.id}\\?sig=${customer.userId}\\.`));

    const response = await fetch(onServer(server, link));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const html = await response.text();
    expect(html).toContain(book.reference);
    expect(html).toContain('Sunset &lt;script&gt;alert(1)&lt;/script&gt; cruise');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('Mon 10 May 2027, 12:00 (EDT); at the service: Mon 10 May 2027, 18:00 (CEST)');
    expect(html).toContain('Engine &lt;b&gt;trouble&lt;/b&gt;');
    expect(html).toContain('cancelled');
    expect(html).toContain('Lido Azzurro');
    expect(html).not.toContain(owner.email);
    expect(html).not.toContain(customer.email);

    const sig = new URL(link).searchParams.get('sig')!;
    const forged = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    const origin = new URL(server.url).origin;
    for (const bad of [
      `/bookings/${book.id}?sig=${forged}`,
      `/bookings/${second.id}?sig=${sig}`,
      `/bookings/${book.id}?sig=${owner.userId}.${sig.split('.')[1]}`,
      `/bookings/${book.id}`,
    ]) {
      const refused = await fetch(`${origin}${bad}`);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain(book.reference);
    }
  });

  it('links to the front end instead when APP_URL is set', async () => {
    const provider = await signUp(appServer, 'PROVIDER', 'Front End Lido');
    const booker = await signUp(appServer, 'CUSTOMER', 'Bea');
    const service = await createService(appServer, provider);
    const slot = await slotAt(appServer, provider, service.id, new Date('2027-06-01T08:00:00Z'));
    const { book } = await appServer.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      booker.token,
    );
    const [mail] = await mailsOf(book.reference, booker.email, 'Booking confirmed');
    expect(linkIn(mail)).toBe(`${APP_URL}/bookings/${book.id}`);
    expect(mail.html).toContain(`href="${APP_URL}/bookings/${book.id}"`);
  });
});
