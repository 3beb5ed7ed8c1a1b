import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { actingProvider } from './accounts/ownership';
import { Role } from './accounts/role';
import type { Clock } from './core/clock';
import type { Actor, RequestContext } from './core/context';
import { BadInput } from './core/errors';
import type { Domain } from './domain';
import { Schedule } from './scheduling/schedule.entity';
import { Frequency, Weekday } from './scheduling/scheduling.enums';

/** The demo accounts `npm run seed` makes; the README's "Try it" signs in with them. */
export const DEMO = {
  provider: { email: 'provider@demo.example', password: 'demo-password', name: 'Lido Azzurro' },
  customer: { email: 'customer@demo.example', password: 'demo-password', name: 'Ann Demo' },
};
const ZONE = 'Europe/Rome';
/** Slots are made from today for this many days. */
const DAYS = 31;

const SERVICES = [
  {
    service: {
      name: 'Sector A umbrellas',
      description: 'A row of umbrellas and two loungers each, by the sea.',
      category: 'beach',
      durationMinutes: 240,
      capacity: 10,
      priceAmount: '25.50',
      childRate: 0.5,
    },
    schedules: [
      { name: 'Mornings', startTime: '09:00', weekdays: Object.values(Weekday) },
      { name: 'Afternoons', startTime: '14:00', weekdays: Object.values(Weekday) },
    ],
  },
  {
    service: {
      name: 'Sunset boat tour',
      description: 'Two hours along the coast at sunset.',
      category: 'tour',
      durationMinutes: 120,
      capacity: 12,
      priceAmount: '40.00',
      childRate: 0.5,
    },
    schedules: [{ name: 'Tours', startTime: '18:30', weekdays: [Weekday.MO, Weekday.WE, Weekday.FR, Weekday.SA] }],
  },
];

interface DemoAccount {
  email: string;
  password: string;
}

export interface SeedSummary {
  /** The provider's profile id (`/calendar/<providerId>`). */
  provider: DemoAccount & { providerId: string };
  customer: DemoAccount;
  services: { id: string; name: string; slots: number }[];
}

/** What each seeding step works with. */
interface Seeding {
  orm: MikroORM;
  domain: Domain;
  clock: Clock;
}

/** A fresh context per call, as each API request has. */
const context = (seeding: Seeding, actor?: Actor): RequestContext => ({
  em: seeding.orm.em.fork(),
  clock: seeding.clock,
  actor,
  ip: '127.0.0.1',
});

/** Signs the demo account up, or in when it was seeded before: who it is signed in as. */
async function account(seeding: Seeding, who: (typeof DEMO)['provider'], role: Role): Promise<Actor> {
  const { domain } = seeding;
  const signedUp = await domain.accounts
    .signUp(context(seeding), { ...who, role, timezone: ZONE })
    .catch(async (error: unknown) => {
      // Seeded before: sign in instead (a changed password is an error worth seeing).
      if (!(error instanceof BadInput)) throw error;
      return domain.accounts.logIn(context(seeding), who.email, who.password);
    });
  const actor = await domain.tokens.authenticate(seeding.orm.em.fork(), `Bearer ${signedUp.token}`);
  if (!actor) throw new Error(`could not sign in as ${who.email}`);
  return actor;
}

/** One demo service (found by name, else made), its schedules likewise, and their slots from `from` to `to`. */
async function seedService(
  seeding: Seeding,
  provider: Actor,
  existing: { id: number; name: string }[],
  { service, schedules }: (typeof SERVICES)[number],
  [from, to]: [string, string],
): Promise<SeedSummary['services'][number]> {
  const { domain } = seeding;
  const made =
    existing.find((found) => found.name === service.name) ??
    (await domain.catalog.createService(context(seeding, provider), { ...service, timezone: ZONE, currency: 'EUR' }));
  const kept = await seeding.orm.em.fork().find(Schedule, { service: made.id });
  let slots = 0;
  for (const { name, startTime, weekdays } of schedules) {
    const schedule =
      kept.find((found) => found.name === name) ??
      (await domain.scheduling.createSchedule(context(seeding, provider), String(made.id), {
        name,
        startTime,
        recurrence: { frequency: Frequency.WEEKLY, weekdays },
        validFrom: from,
      }));
    slots += (await domain.scheduling.generateSlots(context(seeding, provider), String(schedule.id), from, to)).length;
  }
  return { id: String(made.id), name: made.name, slots };
}

/**
 * A demo provider with two services, their weekly schedules and a month of slots from today, and a demo
 * customer, made through the domain as the API would. Running it again finds what exists and only makes
 * what is missing (slots for the days that came since), so it is safe to repeat.
 */
export async function seedDemo(orm: MikroORM, domain: Domain, clock: Clock): Promise<SeedSummary> {
  const seeding = { orm, domain, clock };
  const provider = await account(seeding, DEMO.provider, Role.PROVIDER);
  await account(seeding, DEMO.customer, Role.CUSTOMER);
  const owner = context(seeding, provider);
  const profile = await actingProvider(owner);
  const existing = await domain.catalog.listServices(owner, { providerId: String(profile.id) });
  const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
  const days: [string, string] = [today.toISODate()!, today.plus({ days: DAYS - 1 }).toISODate()!];
  const services: SeedSummary['services'] = [];
  for (const entry of SERVICES) services.push(await seedService(seeding, provider, existing, entry, days));
  return {
    provider: { email: DEMO.provider.email, password: DEMO.provider.password, providerId: String(profile.id) },
    customer: { email: DEMO.customer.email, password: DEMO.customer.password },
    services,
  };
}
