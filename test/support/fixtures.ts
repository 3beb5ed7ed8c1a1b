import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import {
  CreateScheduleDocument,
  CreateServiceDocument,
  GenerateSlotsDocument,
  LogInDocument,
  SignUpDocument,
  type Role,
  type ScheduleInput,
  type ServiceInput,
} from '../generated/graphql';
import { ADMIN, type TestServer } from './server';

export interface Account {
  token: string;
  userId: string;
  providerId?: string;
  email: string;
}

export async function signUp(server: TestServer, role: Role, name = 'Test User'): Promise<Account> {
  const email = `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@example.test`;
  const { signUp: payload } = await server.ok(SignUpDocument, { input: { email, password: 'password123', name, role } });
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
  const { createService: service } = await server.ok(CreateServiceDocument, { input: { ...SERVICE, ...input } }, provider.token);
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
  const { generateSlots } = await server.ok(GenerateSlotsDocument, { scheduleId: createSchedule.id, from, to }, provider.token);
  return generateSlots;
}

/** A local date `days` from today in a zone: tests never depend on today's date. */
export function daysFromNow(days: number, zone = 'Europe/Rome'): string {
  return DateTime.now().setZone(zone).plus({ days }).toISODate()!;
}
