import { randomBytes } from 'node:crypto';
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
import { VERIFICATION_SUBJECT } from '../../src/notifications/address-mail';
import { eventually } from './live';
import { ADMIN, serverMetric, type TestServer } from './server';

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

/** A local date `days` from today in a zone: tests never depend on today's date. */
export function daysFromNow(days: number, zone = 'Europe/Rome'): string {
  return DateTime.now().setZone(zone).plus({ days }).toISODate()!;
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

/** Waits until no background job (of these tasks, if named) is due, e.g. so that statement counts see only the request measured. */
export async function jobsSettled(server: TestServer, tasks?: string[]): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    const [{ due }] = await server.sql<{ due: string }>(
      `select count(*) as due from graphile_worker.jobs where run_at <= now() and attempts < max_attempts and ($1::text[] is null or task_identifier = any($1))`,
      [tasks ?? null],
    );
    if (due === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('background jobs did not settle');
}

/** Makes the waiting jobs of these tasks due now (after a test clock moved ahead) and waits until they have run. */
export async function runJobsNow(server: TestServer, ...tasks: string[]): Promise<void> {
  await server.sql(
    `update graphile_worker._private_jobs set run_at = now() where locked_at is null and task_id in (select id from graphile_worker._private_tasks where identifier = any($1))`,
    [tasks],
  );
  await jobsSettled(server, tasks);
}

/**
 * The stored emails of one address, oldest first, once the jobs that build them have run (the jobs of one
 * change run in any order); the link its sign-up mailed is left out.
 */
export async function storedMails(server: TestServer, email: string): Promise<{ subject: string; text: string }[]> {
  await jobsSettled(server);
  return server.sql<{ subject: string; text: string }>(
    'select subject, text from message where "to" = $1 and subject <> $2 order by id',
    [email, VERIFICATION_SUBJECT],
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
