import type { ParsedMail } from 'mailparser';
import {
  BookDocument,
  MeDocument,
  MyMessagesDocument,
  RequestEmailVerificationDocument,
  SignUpDocument,
  VerifyEmailDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, jobsSettled, signUp, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import { codes, startTestServer, type TestServer, tally } from './support/server';

const mailbox = new Mailbox();
let server: TestServer;
let owner: Account;
let slotIds: string[];

beforeAll(async () => {
  server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${await mailbox.start()}` });
  owner = await signUp(server, 'PROVIDER', 'Lido');
  const service = await createService(server, owner, { capacity: 50 });
  slotIds = (await dailySlots(server, owner, service.id, daysFromNow(3), daysFromNow(9))).map((slot) => slot.id);
});
afterAll(async () => {
  await server.stop();
  await mailbox.stop();
});

const base = () => server.url.replace('/graphql', '');
/** The mails an address received, once `count` of them arrived. */
async function mailsTo(address: string, count = 1): Promise<ParsedMail[]> {
  await jobsSettled(server);
  await eventually(async () => mailbox.to(address).length >= count);
  return mailbox.to(address);
}
/** The confirmation link of a mail (on PUBLIC_URL), as served by this test server. */
function linkIn(mail: ParsedMail): URL {
  const link = /(http:\/\/localhost:4000\/verify-email\?token=\S+)/.exec(mail.text ?? '')![1];
  const url = new URL(link);
  return new URL(`${base()}${url.pathname}${url.search}`);
}
const SPAM = 'Cheap pills at spam.example';

describe('an email address', () => {
  const listSyntax = [
    'guest,victim@example.test',
    'guest;victim@example.test',
    '"guest,victim"@example.test',
    'guest <victim@example.test>',
    'victim@example.test (guest)',
    'guest:victim@example.test',
  ];

  it('with list or display-name syntax is refused, at sign-up and as a booking contact', async () => {
    const customer = await signUp(server, 'CUSTOMER');
    for (const email of listSyntax) {
      const signedUp = await server.request(SignUpDocument, {
        input: { email, password: 'password123', name: 'Mallory', role: 'CUSTOMER' },
      });
      expect([email, signedUp.errors?.[0].extensions]).toEqual([
        email,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'email' }),
      ]);
      const booked = await server.request(
        BookDocument,
        { input: { slotIds: [slotIds[0]], party: { adults: 1 }, contact: { name: 'Guest', email } } },
        customer.token,
      );
      expect([email, booked.errors?.[0].extensions]).toEqual([
        email,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'contact.email' }),
      ]);
    }
  });

  it('stored before that check reaches nobody else: the mailer sends only to one plain address', async () => {
    const [{ id }] = await server.sql<{ id: number }>(
      `insert into message ("to", subject, text, html, status, attempts, created_at)
        values ('someone,victim@example.test', 'Hello', 'Hello', '<p>Hello</p>', 'PENDING', 0, now()) returning id`,
    );
    await server.sql(`select graphile_worker.add_job('send_message', json_build_object('messageId', $1::int))`, [id]);
    await jobsSettled(server);
    const [message] = await server.sql<{ status: string }>('select status from message where id = $1', [id]);
    expect(message.status).toBe('FAILED');
    expect(mailbox.to('victim@example.test')).toEqual([]);
  });
});

describe('addresses are confirmed before anything a user wrote is mailed to them', () => {
  it('sign-up mails a fixed link (none of the account’s words); its page confirms on POST only', async () => {
    const email = `new-${Math.random().toString(36).slice(2)}@example.test`;
    const { signUp: account } = await server.ok(SignUpDocument, {
      input: { email, password: 'password123', name: SPAM, role: 'CUSTOMER' },
    });
    const me = async () => (await server.ok(MeDocument, {}, account.token)).me!.emailVerified;
    expect(await me()).toBe(false);
    const [mail] = await mailsTo(email);
    expect(mail.subject).toBe('Confirm your email address');
    expect(`${mail.subject} ${mail.text} ${mail.html}`).not.toContain('pills');
    const link = linkIn(mail);

    // Opening the link (as a mail scanner would) confirms nothing; the page's button does.
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('<form method="post" action="/verify-email">');
    expect(await me()).toBe(false);
    const confirmed = await fetch(`${base()}/verify-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.searchParams.get('token')! }),
    });
    expect(confirmed.status).toBe(200);
    expect(await me()).toBe(true);
    // The API takes the same token (a front end's page); once confirmed, asking again mails nothing.
    expect((await server.ok(VerifyEmailDocument, { token: link.searchParams.get('token')! })).verifyEmail).toBe(true);
    expect((await server.ok(RequestEmailVerificationDocument, {}, account.token)).requestEmailVerification).toBe(false);
  });

  it('refuses a token that is forged, altered or for another account, naming the field', async () => {
    const [mail] = await mailsTo((await signUp(server, 'CUSTOMER', 'X', { confirmed: false })).email);
    const token = linkIn(mail).searchParams.get('token')!;
    const [userId, expires, mac] = token.split('.');
    for (const bad of [
      'forged',
      `${Number(userId) + 1}.${expires}.${mac}`,
      `${userId}.${Number(expires) + 1}.${mac}`,
      `${userId}.${expires}.${'A'.repeat(43)}`,
    ]) {
      const result = await server.request(VerifyEmailDocument, { token: bad });
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    }
    const bad = await fetch(`${base()}/verify-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'forged' }),
    });
    expect(bad.status).toBe(400);
  });

  it('an unconfirmed account books, but its guest is mailed nothing and its own address only a fixed notice', async () => {
    const booker = await signUp(server, 'CUSTOMER', 'Mallory', { confirmed: false });
    const guest = `guest-${Math.random().toString(36).slice(2)}@example.test`;
    const booked = await server.request(
      BookDocument,
      { input: { slotIds: [slotIds[1]], party: { adults: 1 }, notes: SPAM, contact: { name: SPAM, email: guest } } },
      booker.token,
    );
    expect(codes(booked)).toEqual([]);
    await jobsSettled(server);
    const toGuest = await server.sql<{ status: string }>('select status from message where "to" = $1', [guest]);
    expect(toGuest.map((message) => message.status)).toEqual(['WITHHELD']);
    expect(mailbox.to(guest)).toEqual([]);
    // The booker's own mail: the verification link, then a fixed notice in place of the confirmation.
    const own = await mailsTo(booker.email, 2);
    expect(own.map((mail) => mail.subject)).toEqual(['Confirm your email address', 'You have a new message']);
    expect(own[1].text).toContain('/verify-email?token=');
    for (const mail of own) expect(`${mail.subject} ${mail.text} ${mail.html}`).not.toMatch(/pills|Beach sector/);
    // In the account itself the message is whole.
    const { myMessages } = await server.ok(MyMessagesDocument, {}, booker.token);
    expect(myMessages.map((message) => message.subject)).toContainEqual(expect.stringMatching(/^Booking confirmed/));

    // Confirmed, the next booking's mails go out in full, to the guest too.
    await server.ok(VerifyEmailDocument, { token: linkIn(own[1]).searchParams.get('token')! });
    await server.ok(
      BookDocument,
      { input: { slotIds: [slotIds[2]], party: { adults: 1 }, contact: { name: 'Guest', email: guest } } },
      booker.token,
    );
    const [toGuestNow] = await mailsTo(guest);
    expect(toGuestNow.subject).toMatch(/^Booking confirmed/);
    expect((await mailsTo(booker.email, 3))[2].subject).toMatch(/^Booking confirmed/);
  });

  it('an unconfirmed provider’s address gets a fixed notice, not the words of the services or the bookers', async () => {
    const provider = await signUp(server, 'PROVIDER', 'Spammy', { confirmed: false });
    const service = await createService(server, provider, { name: SPAM });
    const [slot] = await dailySlots(server, provider, service.id, daysFromNow(4), daysFromNow(4));
    const customer = await signUp(server, 'CUSTOMER');
    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 }, notes: SPAM } }, customer.token);
    const mails = await mailsTo(provider.email, 2);
    expect(mails.map((mail) => mail.subject)).toEqual(['Confirm your email address', 'You have a new message']);
    for (const mail of mails) expect(`${mail.subject} ${mail.text} ${mail.html}`).not.toContain('pills');
  });

  it('lets an account name at most 10 other people’s addresses as contacts a day, however many are asked for at once', async () => {
    const service = await createService(server, owner, { capacity: 100, allowOverlappingBookings: true });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(10), daysFromNow(10));
    const booker = await signUp(server, 'CUSTOMER');
    const contact = (i: number) => ({ name: 'Guest', email: `g${i}-${booker.userId}@example.test` });
    const book = (email: { name: string; email: string }) =>
      server.request(
        BookDocument,
        { input: { slotIds: [slot.id], party: { adults: 1 }, contact: email } },
        booker.token,
      );
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => book(contact(i))));
    expect(tally(results)).toEqual({ OK: 10, RATE_LIMITED: 5 });
    const refused = results.find((result) => result.errors)!.errors![0];
    expect(refused.extensions).toMatchObject({ field: 'contact.email', max: 10 });
    expect(refused.extensions.retryAfter).toBeGreaterThan(86_000);
    // An address already named, and the booker's own, still go.
    const named = results.findIndex((result) => !result.errors);
    expect(codes(await book(contact(named)))).toEqual([]);
    expect(codes(await book({ name: 'Me', email: booker.email }))).toEqual([]);
  });
});
