import { BookDocument, SignUpDocument } from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, jobsSettled, signUp, type Account } from './support/fixtures';
import { Mailbox } from './support/mailbox';
import { startTestServer, type TestServer } from './support/server';

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
