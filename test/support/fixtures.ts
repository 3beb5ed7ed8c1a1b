import { randomBytes } from 'node:crypto';
import { makeWorkerUtils } from 'graphile-worker';
import { DateTime } from 'luxon';
import {
  AvailabilityDocument,
  CreateScheduleDocument,
  CreateServiceDocument,
  GenerateSlotsDocument,
  LogInDocument,
  SignUpDocument,
  SlotsDocument,
  type Role,
  type ScheduleInput,
  type ServiceInput,
  type SignUpInput,
} from '../../client/generated/graphql';
import type { Config } from '../../src/config';
import type { Clock } from '../../src/core/clock';
import { LOCALES, translator } from '../../src/i18n';
import type { StripeSettings } from '../../src/integrations/stripe/stripe-gateway';
import { FakeStripe, SECRET_KEY, WEBHOOK_SECRET } from './fake-stripe';
import { eventually } from './live';
import { ADMIN, serverMetric, startTestServer, type TestServer } from './server';

export interface Account {
  token: string;
  userId: string;
  providerId?: string;
  email: string;
}

/**
 * A new account whose email address is confirmed (as its sign-up link would), so that mail to it, and to
 * its bookings' contacts, goes out in full; `confirmed: false` leaves it as sign-up does.
 */
export async function signUp(
  server: TestServer,
  role: Role,
  name = 'Test User',
  { confirmed = true, ...input }: Partial<SignUpInput> & { confirmed?: boolean } = {},
): Promise<Account> {
  const email = `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@example.test`;
  const { signUp: payload } = await server.ok(SignUpDocument, {
    input: { email, password: 'password123', name, role, ...input },
  });
  if (confirmed) await server.sql('update app_user set email_verified_at = now() where id = $1', [payload.user.id]);
  return { token: payload.token, userId: payload.user.id, providerId: payload.user.provider?.id, email };
}

export async function logInAdmin(server: TestServer): Promise<Account> {
  const { logIn } = await server.ok(LogInDocument, ADMIN);
  return { token: logIn.token, userId: logIn.user.id, email: ADMIN.email };
}

export const SERVICE: ServiceInput = {
  name: 'Beach sector A',
  timezone: 'Europe/Rome',
  durationMinutes: 60,
  capacity: 10,
  priceAmount: '20.00',
  currency: 'EUR',
};

export async function createService(server: TestServer, provider: Account, input: Partial<ServiceInput> = {}) {
  const { createService: service } = await server.ok(
    CreateServiceDocument,
    { input: { ...SERVICE, ...input } },
    provider.token,
  );
  return service;
}

/** A daily schedule at `startTime` from `from` to `to`, generated into slots. */
export async function dailySlots(
  server: TestServer,
  provider: Account,
  serviceId: string,
  from: string,
  to: string,
  input: Partial<ScheduleInput> = {},
) {
  const { createSchedule } = await server.ok(
    CreateScheduleDocument,
    { serviceId, input: { recurrence: { frequency: 'DAILY' }, startTime: '09:00', validFrom: from, ...input } },
    provider.token,
  );
  const { generateSlots } = await server.ok(
    GenerateSlotsDocument,
    { scheduleId: createSchedule.id, from, to },
    provider.token,
  );
  return generateSlots;
}

/** A new service of the provider's (SERVICE but for `input`) with a daily 09:00 slot from `first` to `last` days from now. */
export async function serviceWithSlots(
  server: TestServer,
  provider: Account,
  input: Partial<ServiceInput> = {},
  first = 5,
  last = first,
) {
  const service = await createService(server, provider, input);
  return { service, slots: await dailySlots(server, provider, service.id, daysFromNow(first), daysFromNow(last)) };
}

/** A local date `days` from today in a zone: tests never depend on today's date. */
export function daysFromNow(days: number, zone = 'Europe/Rome'): string {
  return DateTime.now().setZone(zone).plus({ days }).toISODate()!;
}

/** The spring-forward and fall-back dates of a zone in a year two years from now. */
export function dstTransitions(zone: string): { year: number; spring: string; fall: string } {
  const year = DateTime.now().year + 2;
  const found: string[] = [];
  for (
    let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
    day.year === year;
    day = day.plus({ days: 1 })
  ) {
    if (day.plus({ days: 1 }).offset !== day.offset) found.push(day.toISODate()!);
  }
  return { year, spring: found[0], fall: found[1] };
}

/** A YYYY-MM-DD date `days` later (earlier when negative). */
export const shiftDate = (date: string, days: number): string => DateTime.fromISO(date).plus({ days }).toISODate()!;

/** The Stripe PaymentIntent of a paid booking. */
export async function intentOf(server: TestServer, bookingId: string): Promise<string> {
  const [{ intent_id: intentId }] = await server.sql<{ intent_id: string }>(
    'select p.intent_id from payment p join booking b on b.payment_id = p.id where b.id = $1',
    [bookingId],
  );
  return intentId;
}

/**
 * Moves a booking (and its slots) so that it starts `hours` from now: the server's clock is not the tests'
 * to turn by days (the slots of the tests after would be past their cutoff).
 */
export async function shiftStart(server: TestServer, bookingId: string, hours: number): Promise<void> {
  const [{ offset }] = await server.sql<{ offset: string }>(
    `select ((now() + $2 * interval '1 hour') - starts_at)::text as offset from booking where id = $1`,
    [bookingId, hours],
  );
  await server.sql(
    `update slot set starts_at = starts_at + $2::interval, ends_at = ends_at + $2::interval where id in (select slot_id from booking_slot where booking_id = $1)`,
    [bookingId, offset],
  );
  await server.sql(
    `update booking set starts_at = starts_at + $2::interval, ends_at = ends_at + $2::interval where id = $1`,
    [bookingId, offset],
  );
}

/** SQL statements the server sends while `run` runs, once background jobs have settled. */
export async function statementsDuring(server: TestServer, run: () => Promise<unknown>): Promise<number> {
  await jobsSettled(server);
  const before = await serverMetric(server.url, 'db_statements_total');
  await run();
  return (await serverMetric(server.url, 'db_statements_total')) - before;
}

/**
 * Runs a change of sessions or accounts made outside the API (SQL) and waits until `server` heard the
 * database's notice of it: each process keeps its session checks until that notice.
 */
export async function noticed(server: TestServer, change: () => Promise<unknown>): Promise<void> {
  const before = await serverMetric(server.url, 'session_notices_total');
  await change();
  await eventually(async () => (await serverMetric(server.url, 'session_notices_total')) > before);
}

/**
 * Waits until no background job (of these tasks, if named) is due, in the queue or still in the outbox on
 * its way there, e.g. so that statement counts see only the request measured.
 */
export async function jobsSettled(server: TestServer, tasks?: string[]): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    const [{ due }] = await server.sql<{ due: string }>(
      `select (select count(*) from graphile_worker.jobs where run_at <= now() and attempts < max_attempts and ($1::text[] is null or task_identifier = any($1)))
        + (select count(*) from job_outbox where $1::text[] is null or task = any($1)) as due`,
      [tasks ?? null],
    );
    if (due === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('background jobs did not settle');
}

/** Makes the waiting jobs of these tasks due now (after a test clock moved ahead) and waits until they have run. */
export async function runJobsNow(server: TestServer, ...tasks: string[]): Promise<void> {
  await rescheduleJobs(server.databaseUrl, { tasks }, { runAt: new Date() });
  await jobsSettled(server, tasks);
}

/**
 * Changes waiting jobs (those with these keys or of these tasks that no worker holds) through graphile-worker's
 * own API, never its private tables.
 */
export async function rescheduleJobs(
  databaseUrl: string,
  which: { keys?: string[]; tasks?: string[] },
  change: { runAt?: Date; attempts?: number },
): Promise<void> {
  const utils = await makeWorkerUtils({ connectionString: databaseUrl });
  try {
    const { rows } = await utils.withPgClient((client) =>
      client.query<{ id: string }>(
        'select id::text from graphile_worker.jobs where locked_at is null and (key = any($1) or task_identifier = any($2))',
        [which.keys ?? [], which.tasks ?? []],
      ),
    );
    await utils.rescheduleJobs(
      rows.map((row) => row.id),
      change,
    );
  } finally {
    await utils.release();
  }
}

/**
 * The stored emails of one address, oldest first, once the jobs that build them have run (the jobs of one
 * change run in any order); the link its sign-up mailed is left out.
 */
export async function storedMails(server: TestServer, email: string): Promise<{ subject: string; text: string }[]> {
  await jobsSettled(server);
  return server.sql<{ subject: string; text: string }>(
    'select subject, text from message where "to" = $1 and subject <> all($2) order by id',
    [email, LOCALES.map((locale) => translator(locale)('address.subject'))],
  );
}

/**
 * Expects a service's availability for `month` to say, date by date, what its slot list says (OPEN slots
 * and their free seats, by local date): the month read's shortcuts must not change an answer.
 */
export async function expectMonthAsSlots(
  server: TestServer,
  serviceId: string,
  month: string,
  token?: string,
): Promise<void> {
  const [{ timezone }] = await server.sql<{ timezone: string }>('select timezone from service where id = $1', [
    serviceId,
  ]);
  const start = DateTime.fromISO(`${month}-01`, { zone: timezone });
  const { slots } = await server.ok(
    SlotsDocument,
    { serviceId, from: start.toISO()!, to: start.plus({ months: 1 }).toISO()! },
    token,
  );
  const byDate = new Map<string, [number, number]>();
  for (const slot of slots.filter((s) => s.status === 'OPEN')) {
    const date = DateTime.fromISO(slot.startsAt, { zone: timezone }).toISODate()!;
    const [count, free] = byDate.get(date) ?? [0, 0];
    byDate.set(date, [count + 1, free + slot.available]);
  }
  const { availability } = await server.ok(AvailabilityDocument, { serviceId, month }, token);
  const days = availability.days
    .filter((day) => day.slotCount > 0)
    .map((day) => [day.date, day.slotCount, day.availableSpots]);
  expect(days).toEqual(
    [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, [count, free]]) => [date, count, free]),
  );
}

/** A provider and a customer signed up on `server` at once. */
export async function ownerAndCustomer(
  server: TestServer,
  ownerName?: string,
  customerName?: string,
): Promise<{ owner: Account; customer: Account }> {
  const [owner, customer] = await Promise.all([
    signUp(server, 'PROVIDER', ownerName),
    signUp(server, 'CUSTOMER', customerName),
  ]);
  return { owner, customer };
}

/** A test file's server (started as startTestServer starts it) with a provider and a customer signed up on it. */
export async function startWithAccounts(
  ...settings: Parameters<typeof startTestServer>
): Promise<{ server: TestServer; owner: Account; customer: Account }> {
  const server = await startTestServer(...settings);
  return { server, ...(await ownerAndCustomer(server)) };
}

/**
 * A fake Stripe and a test file's server paying through it, with a provider and a customer (as
 * startWithAccounts); `overrides.stripe` adds to the fake's settings, e.g. how long the server waits for it.
 */
export async function startWithStripe(
  { stripe: settings, ...overrides }: Omit<Partial<Config>, 'stripe'> & { stripe?: Partial<StripeSettings> } = {},
  clock?: Clock,
): Promise<{ stripe: FakeStripe; server: TestServer; owner: Account; customer: Account }> {
  const stripe = await FakeStripe.start();
  const started = await startWithAccounts(
    { stripe: { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiUrl: stripe.url, ...settings }, ...overrides },
    clock,
  );
  return { stripe, ...started };
}

/** Stops a test file's server and then the fakes and receivers it talked to, in that order. */
export async function stopAll(...running: ({ stop(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const each of running) await each?.stop();
}
