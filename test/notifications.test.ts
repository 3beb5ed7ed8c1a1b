import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import {
  BookDocument,
  CancelBookingDocument,
  CreateSlotDocument,
  ModifyBookingDocument,
  MyMessagesDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, jobsSettled, signUp, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import { startTestServer, type TestServer } from './support/server';

const mailbox = new Mailbox((address) => address.startsWith('refused'));
let smtpPort: number;
let server: TestServer;
let owner: Account;
let customer: Account;

beforeAll(async () => {
  smtpPort = await mailbox.start();
  server = await startTestServer({
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    mailFrom: 'Bookings <bookings@example.test>',
  });
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER', 'Lido'), signUp(server, 'CUSTOMER', 'Ann')]);
});
afterAll(async () => {
  await server.stop();
  await mailbox.stop();
});

/** The VEVENT of a mail's .ics invite, read with ical.js. */
function inviteOf(mail: ParsedMail): { method: string; uid: string; sequence: number; start: string; end: string } {
  const attachment = mail.attachments.find(
    (a) => a.contentType.startsWith('text/calendar') || a.filename?.endsWith('.ics'),
  );
  const text = attachment
    ? attachment.content.toString()
    : String((mail as unknown as { textAsHtml?: string }).textAsHtml);
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
  };
}

const forBooking = (reference: string, address: string) =>
  mailbox.to(address).filter((mail) => mail.subject?.includes(reference));

describe('booking emails with calendar invites', () => {
  it('sends the invite on creation, change and cancellation with one UID and a rising SEQUENCE', async () => {
    const service = await createService(server, owner, { name: 'Kayak tour' });
    const slots = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(6));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 2 } } },
      customer.token,
    );
    await eventually(
      async () =>
        forBooking(book.reference, customer.email).length === 1 && forBooking(book.reference, owner.email).length === 1,
    );
    const [made] = forBooking(book.reference, customer.email);
    expect(made.subject).toBe(`Booking confirmed: Kayak tour (${book.reference})`);
    expect(made.text).toContain(book.reference);
    expect(made.text).toMatch(/From: .*; at the service: \w{3} \d{1,2} \w{3} \d{4}, 09:00 \((CET|CEST)\)/); // Ann's zone (UTC), then the wall time in Rome
    expect(made.html).toContain(`/bookings/${book.id}?sig=`);
    const created = inviteOf(made);
    expect(created).toEqual({
      method: 'REQUEST',
      uid: `${book.reference}@booking-calendar-api`,
      sequence: 0,
      start: slots[0].startsAt,
      end: slots[0].endsAt,
    });

    await server.ok(ModifyBookingDocument, { id: book.id, input: { slotIds: [slots[1].id] } }, customer.token);
    await eventually(async () => forBooking(book.reference, customer.email).length === 2);
    const changed = inviteOf(forBooking(book.reference, customer.email)[1]);
    expect(changed).toEqual({ ...created, sequence: 1, start: slots[1].startsAt, end: slots[1].endsAt });

    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    await eventually(async () => forBooking(book.reference, customer.email).length === 3);
    const cancelled = inviteOf(forBooking(book.reference, customer.email)[2]);
    expect(cancelled).toMatchObject({ method: 'CANCEL', uid: created.uid, sequence: 2 });

    await jobsSettled(server); // the mail arrived; the job records SENT right after
    const { myMessages } = await server.ok(MyMessagesDocument, {}, customer.token);
    expect(myMessages.filter((m) => m.subject.includes(book.reference)).map((m) => m.status)).toEqual([
      'SENT',
      'SENT',
      'SENT',
    ]);
  });

  it('keeps a message while the mail server is down and delivers it exactly once when it is back', async () => {
    const service = await createService(server, owner);
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(7), daysFromNow(7));
    await mailbox.stop();
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    await eventually(async () => {
      const rows = await server.sql<{ attempts: number; last_error: string | null }>(
        `select attempts, last_error from message where subject like $1`,
        [`%${book.reference}%`],
      );
      return rows.length === 2 && rows.every((row) => row.attempts >= 1 && row.last_error !== null);
    });
    await mailbox.start(smtpPort);
    await eventually(
      async () =>
        forBooking(book.reference, customer.email).length === 1 && forBooking(book.reference, owner.email).length === 1,
      30_000,
    );
    // Both recorded SENT: a send job that ran again would skip a message no longer PENDING.
    await eventually(async () =>
      (
        await server.sql<{ status: string }>(`select status from message where subject like $1`, [
          `%${book.reference}%`,
        ])
      ).every((row) => row.status === 'SENT'),
    );
    expect(forBooking(book.reference, customer.email)).toHaveLength(1);
    expect(forBooking(book.reference, owner.email)).toHaveLength(1);
  }, 60_000);

  it('stops at a permanent refusal, keeps its error, and lets no header be injected', async () => {
    const refused = await signUp(server, 'CUSTOMER', 'Ref Used', { email: 'refused@example.test' });
    const service = await createService(server, owner);
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(8), daysFromNow(8));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 }, notes: 'Hi\nBcc: victim@example.test\n\nInjected' } },
      refused.token,
    );
    await eventually(async () => {
      const rows = await server.sql<{ status: string; attempts: number; last_error: string }>(
        `select status, attempts, last_error from message where "to" = 'refused@example.test' and subject like 'Booking%'`,
      );
      return rows.length === 1 && rows[0].status === 'FAILED';
    });
    const [row] = await server.sql<{ attempts: number; last_error: string }>(
      `select attempts, last_error from message where "to" = 'refused@example.test' and subject like 'Booking%'`,
    );
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('550');
    await eventually(async () => forBooking(book.reference, owner.email).length === 1);
    const [toOwner] = forBooking(book.reference, owner.email);
    expect(toOwner.headers.has('bcc')).toBe(false);
    expect(toOwner.text).toContain('Injected');
  });
});

describe('reminders', () => {
  it('is scheduled 24 hours before the start, moves with the booking, and goes with a cancellation', async () => {
    const service = await createService(server, owner);
    const slots = await dailySlots(server, owner, service.id, daysFromNow(9), daysFromNow(10));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      customer.token,
    );
    await jobsSettled(server, ['booking_created']); // a new booking's one job queues its reminder
    const reminder = async () =>
      server.sql<{ run_at: Date }>(`select run_at from graphile_worker.jobs where key = $1`, [
        `booking-reminder:${book.id}`,
      ]);
    const dayBefore = (iso: string) => new Date(Date.parse(iso) - 24 * 3_600_000).toISOString();
    expect((await reminder()).map((job) => job.run_at.toISOString())).toEqual([dayBefore(slots[0].startsAt)]);
    await server.ok(ModifyBookingDocument, { id: book.id, input: { slotIds: [slots[1].id] } }, customer.token);
    expect((await reminder()).map((job) => job.run_at.toISOString())).toEqual([dayBefore(slots[1].startsAt)]);
    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    expect(await reminder()).toEqual([]);
  });

  it('emails the customer when the reminder comes due', async () => {
    const service = await createService(server, owner, { name: 'Sunrise walk' });
    const startsAt = new Date(Date.now() + 24 * 3_600_000 + 2_000);
    const { createSlot } = await server.ok(
      CreateSlotDocument,
      {
        serviceId: service.id,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      },
      owner.token,
    );
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [createSlot.id], party: { adults: 1 } } },
      customer.token,
    );
    await eventually(
      async () => forBooking(book.reference, customer.email).some((mail) => mail.subject?.startsWith('Reminder')),
      15_000,
    );
    expect(forBooking(book.reference, owner.email).filter((mail) => mail.subject?.startsWith('Reminder'))).toHaveLength(
      0,
    );
  });
});
