import fs from 'node:fs';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import {
  BookDocument,
  CreateBlackoutDocument,
  JoinWaitlistDocument,
  ProposeDocument,
  ServicesDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, logInAdmin, signUp, type Account } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

/**
 * Sends every Query and Mutation field of schema.graphql arguments that are wrong in every way we could
 * think of, as anonymous, customer, provider and admin, and checks that the server answers each one as
 * the client's fault (never INTERNAL_SERVER_ERROR or a 5xx) and is still healthy after them all.
 */

const schema: GraphQLSchema = buildSchema(fs.readFileSync('schema.graphql', 'utf8'));

/** A small deterministic generator (mulberry32), so that every run sends the same corpus. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MEGABYTE = 'x'.repeat(1 << 20);

/** Wrong values, by the kind of place they are tried in. */
const TEXT: Record<string, unknown> = {
  empty: '',
  nul: 'a\u0000b',
  escape: 'a\u001b[31mb',
  c1: 'a\u0085b\u009fc',
  del: 'a\u007fb',
  tabsAndLines: 'one\ttwo\nthree\r\n',
  megabyte: MEGABYTE,
  sql: "' or 1=1 --",
  like: '%_\\',
  emoji: '😀'.repeat(50),
  digits: '9'.repeat(30),
  money11: '99999999999.99',
  moneyMax: '9999999999.99',
  rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
};
const TIME: Record<string, unknown> = {
  year0: '0000-01-01',
  year1: '0001-01-01',
  month9999: '9999-12',
  month0: '0000-01',
  year10000: '+010000-01-01',
  february30: '2026-02-30',
  lastDay: '9999-12-31',
  before1970: '1969-12-31T23:59:59Z',
  instantYear0: '0000-01-01T00:00:00Z',
  instantPast9999: '9999-12-31T23:59:59-01:00',
};
const NUMBER: Record<string, unknown> = {
  zero: 0,
  minusOne: -1,
  int32: 2 ** 31,
  int32Below: -(2 ** 31) - 1,
  huge: 1e300,
  fraction: 0.5,
  nanText: 'NaN',
  infinityText: 'Infinity',
  overflowText: '1e309',
};
const SHAPE: Record<string, unknown> = {
  null: null,
  true: true,
  emptyList: [],
  mixedList: [1, 'x', null],
  emptyObject: {},
  object: { x: 1 },
  number: 1,
  text: 'x',
};

/** An ID is digits or nothing: the texts and numbers that could pass for one. */
const ID: Record<string, unknown> = {
  empty: '',
  nul: '1\u0000',
  megabyte: MEGABYTE,
  digits: TEXT.digits,
  sql: TEXT.sql,
  zero: 0,
  minusOne: -1,
  int32: 2 ** 31,
  fraction: 0.5,
};

/** What is tried in a place: the wrong values of its kind, and a few of every other kind. */
function wrongValuesFor(name: string, typeName: string, next: () => number): [string, unknown][] {
  const own: Record<string, unknown> =
    typeName === 'String'
      ? { ...TEXT, ...(/month|time/i.test(name) ? TIME : {}) }
      : typeName === 'ID'
        ? ID
        : typeName === 'Date' || typeName === 'DateTime'
          ? { ...TIME, nul: TEXT.nul, megabyte: MEGABYTE, empty: '' }
          : typeName === 'Int' || typeName === 'Float'
            ? NUMBER
            : {};
  const others = Object.entries({ ...TEXT, ...TIME, ...NUMBER, ...SHAPE }).filter(([label]) => !(label in own));
  return [...Object.entries(own), ...others.filter(() => next() < 0.06)];
}

interface Fixtures {
  ids: Record<string, string>;
  reference: string;
  customer: Account;
  /** Local dates this many days from now. */
  day: (days: number) => string;
}

/** A value each argument accepts, by its name, so that the wrong one is the only thing wrong in a request. */
function validValue(name: string, type: GraphQLInputType, fx: Fixtures, field: string, serial: number): unknown {
  if (name === 'weekdays' || name === 'rrule') return null; // the recurrence is DAILY; these are only tried wrong
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [validValue(name.replace(/s$/, ''), nullable.ofType, fx, field, serial)];
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    return Object.fromEntries(
      Object.values(named.getFields()).map((input) => [
        input.name,
        validValue(input.name, input.type, fx, field, serial),
      ]),
    );
  }
  if (isEnumType(named))
    return named.name === 'Role' ? 'CUSTOMER' : named.getValues()[named.name === 'Frequency' ? 1 : 0].value;
  const byName: Record<string, unknown> = {
    id: fx.ids[field] ?? fx.ids.service,
    serviceId: fx.ids.service,
    slotId: fx.ids.slot,
    scheduleId: fx.ids.schedule,
    providerId: fx.ids.provider,
    reference: fx.reference,
    email: field === 'logIn' ? fx.customer.email : `fuzz-${serial}@example.test`,
    password: 'password123',
    timezone: 'Europe/Rome',
    currency: 'EUR',
    priceAmount: '10.00',
    amount: '1.00',
    startTime: '09:00',
    month: fx.day(40).slice(0, 7),
    from: named.name === 'Date' ? fx.day(40) : `${fx.day(40)}T00:00:00Z`,
    to: named.name === 'Date' ? fx.day(41) : `${fx.day(41)}T00:00:00Z`,
    startsAt: `${fx.day(60)}T10:00:00Z`,
    endsAt: `${fx.day(60)}T11:00:00Z`,
    date: fx.day(3),
    validFrom: named.name === 'Date' ? fx.day(40) : `${fx.day(40)}T00:00:00Z`,
    validUntil: named.name === 'Date' ? fx.day(50) : `${fx.day(50)}T00:00:00Z`,
    startsOn: fx.day(70),
    endsOn: fx.day(71),
    adults: 1,
    children: 0,
    infants: 0,
    partySize: 1,
    priority: 1,
    interval: 1,
    capacity: 5,
    durationMinutes: 60,
    minPartySize: 1,
    maxPartySize: 5,
    cutoffHours: 0,
    advanceDays: 365,
    incoming: true,
    open: true,
    noShow: false,
    active: true,
    requiresPayment: false,
  };
  if (name in byName) return byName[name];
  if (named.name === 'ID') return fx.ids.service;
  if (named.name === 'Int') return 1;
  if (named.name === 'Float') return 0.5;
  if (named.name === 'Boolean') return false;
  return 'fuzz';
}

/** The leaf fields of an output type, and its object fields by their id: enough to run every resolver once. */
function selection(type: GraphQLOutputType, nested = false): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).filter((field) => !field.args.some((arg) => isNonNullType(arg.type)));
  if (nested) return `{ __typename${fields.some((field) => field.name === 'id') ? ' id' : ''} }`;
  const parts = fields.map((field) =>
    isLeafType(getNamedType(field.type)) ? field.name : `${field.name} ${selection(field.type, true)}`,
  );
  return `{ __typename ${parts.join(' ')} }`;
}

/** Every argument and input field (lists by their first item): its path and the name of its type. */
function leaves(
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): { path: string[]; typeName: string }[] {
  const found: { path: string[]; typeName: string }[] = [];
  const walk = (type: GraphQLInputType, value: unknown, path: string[]) => {
    found.push({ path, typeName: getNamedType(type).name });
    const nullable = getNullableType(type);
    if (isListType(nullable) && Array.isArray(value) && value.length > 0)
      walk(nullable.ofType, value[0], [...path, '0']);
    if (isInputObjectType(nullable) && value !== null && typeof value === 'object') {
      for (const input of Object.values(nullable.getFields()))
        walk(input.type, (value as Record<string, unknown>)[input.name], [...path, input.name]);
    }
  };
  for (const arg of field.args) walk(arg.type, args[arg.name], [arg.name]);
  return found;
}

/** The arguments with the value at `path` replaced (the arguments are a fresh copy of their own). */
function replaced(args: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  let node: Record<string, unknown> = args;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
  return args;
}

/** A GraphQL literal of any JSON value, for requests that send arguments inline rather than as variables. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}: ${literal(item)}`)
      .join(', ')}}`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  return JSON.stringify(value);
}

interface Case {
  field: string;
  operation: 'query' | 'mutation' | 'subscription';
  args: Record<string, unknown>;
  inline: boolean;
  label: string;
  /** Picks the role among those the field lets in (0 to 1). */
  draw: number;
}

type Role = 'anonymous' | 'customer' | 'provider' | 'admin';
const ROLES: Role[] = ['anonymous', 'customer', 'provider', 'admin'];

/**
 * The whole corpus: each field once with right arguments, then each wrong value once in each place.
 * Fields are always sent with the argument named `id` etc. set to existing rows of the right kind.
 */
function corpus(fx: Fixtures): { right: Case[]; wrong: Case[] } {
  const next = random(16);
  const right: Case[] = [];
  const wrong: Case[] = [];
  let serial = 0;
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    for (const field of Object.values(root.getFields()) as GraphQLField<unknown, unknown>[]) {
      const base = () =>
        Object.fromEntries(
          field.args.map((arg) => [arg.name, validValue(arg.name, arg.type, fx, field.name, ++serial)]),
        );
      right.push({ field: field.name, operation, args: base(), inline: false, label: 'right', draw: 0 });
      for (const { path, typeName } of leaves(field, base())) {
        for (const [label, value] of wrongValuesFor(path[path.length - 1], typeName, next)) {
          wrong.push({
            field: field.name,
            operation,
            args: replaced(base(), path, value),
            inline: next() < 0.2,
            label: `${path.join('.')}=${label}`,
            draw: next(),
          });
        }
      }
    }
  }
  return { right, wrong };
}

function requestBody(c: Case, operationName?: string): string {
  const field = rootOf(c.operation).getFields()[c.field];
  const names = Object.keys(c.args);
  if (c.inline) {
    const args = names.length ? `(${names.map((name) => `${name}: ${literal(c.args[name])}`).join(', ')})` : '';
    return JSON.stringify({ query: `${c.operation} { ${c.field}${args} ${selection(field.type)} }` });
  }
  const declared = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const query = `${c.operation} Fuzz${declared ? `(${declared})` : ''} { ${c.field}${passed ? `(${passed})` : ''} ${selection(field.type)} }`;
  return JSON.stringify({ query, variables: c.args, ...(operationName ? { operationName } : {}) });
}

const rootOf = (operation: Case['operation']) =>
  operation === 'query'
    ? schema.getQueryType()!
    : operation === 'mutation'
      ? schema.getMutationType()!
      : schema.getSubscriptionType()!;

/**
 * INTERNAL_SERVER_ERRORs found in code this test's author does not own, as `field argument.path=value`.
 * Each is kept out of the assertion until fixed where it lives; empty this list as they are.
 */
const KNOWN_FAILURES = new Set<string>([]);

interface Failure {
  key: string;
  role: Role;
  status: number;
  errors: unknown;
  variables: string;
}

let server: TestServer;
let fixtures: Fixtures;
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  server = await startTestServer();
  const [provider, customer, other, admin] = await Promise.all([
    signUp(server, 'PROVIDER'),
    signUp(server, 'CUSTOMER'),
    signUp(server, 'CUSTOMER'),
    logInAdmin(server),
  ]);
  Object.assign(tokens, { customer: customer.token, provider: provider.token, admin: admin.token });
  const service = await createService(server, provider, { capacity: 1 });
  const approval = await createService(server, provider, { bookingMode: 'APPROVAL' });
  const [slot, full] = await dailySlots(server, provider, service.id, daysFromNow(3), daysFromNow(4));
  const [approvalSlot] = await dailySlots(server, provider, approval.id, daysFromNow(3), daysFromNow(3));
  const { book } = await server.ok(
    BookDocument,
    { input: { slotIds: [slot.id], party: { adults: 1 } } },
    customer.token,
  );
  await server.ok(BookDocument, { input: { slotIds: [full.id], party: { adults: 1 } } }, other.token);
  const { propose } = await server.ok(
    ProposeDocument,
    { input: { slotIds: [approvalSlot.id], party: { adults: 1 } } },
    customer.token,
  );
  const { joinWaitlist } = await server.ok(
    JoinWaitlistDocument,
    { input: { serviceId: service.id, slotId: full.id, partySize: 1 } },
    customer.token,
  );
  const { createBlackout } = await server.ok(
    CreateBlackoutDocument,
    {
      input: {
        serviceId: service.id,
        startsOn: daysFromNow(80),
        endsOn: daysFromNow(80),
        kind: 'HOLIDAY',
        name: 'Closed',
      },
    },
    provider.token,
  );
  const [{ id: schedule }] = await server.sql<{ id: number }>('select id from schedule where service_id = $1', [
    service.id,
  ]);
  const bookingFields = ['booking', 'modifyBooking', 'cancelBooking', 'completeBooking', 'refundBooking'];
  const proposalFields = ['acceptProposal', 'declineProposal', 'withdrawProposal'];
  const waitlistFields = ['leaveWaitlist', 'claimWaitlistOffer', 'setWaitlistPriority'];
  const days = new Map<number, string>();
  fixtures = {
    customer,
    day: (count) => days.get(count) ?? days.set(count, daysFromNow(count)).get(count)!,
    reference: book.reference,
    ids: {
      service: service.id,
      slot: slot.id,
      schedule: String(schedule),
      provider: provider.providerId!,
      ...Object.fromEntries(bookingFields.map((field) => [field, book.id])),
      ...Object.fromEntries(proposalFields.map((field) => [field, propose.id])),
      ...Object.fromEntries(waitlistFields.map((field) => [field, joinWaitlist.id])),
      setSlotCapacity: slot.id,
      deleteBlackout: createBlackout.id,
    },
  };
});
afterAll(() => server.stop());

interface Answer {
  failure: Failure | null;
  /** Whether the role got past authentication and authorisation. */
  admitted: boolean;
}

/** Posts a body as a role, once more on a socket closed under it (a kept-alive connection can time out as it is reused). */
function post(body: string, role: Role): Promise<Response> {
  const token = tokens[role];
  const once = () =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  return once().catch(once);
}

async function send(c: Case, role: Role): Promise<Answer> {
  const failure = (status: number, errors: unknown) => ({
    key: `${c.field} ${c.label}`,
    role,
    status,
    errors,
    variables: JSON.stringify(c.args).slice(0, 300),
  });
  let response: Response;
  try {
    response = await post(requestBody(c), role);
  } catch (error) {
    return { failure: failure(0, String((error as Error).cause ?? error)), admitted: true }; // no answer at all
  }
  const body = (await response.json().catch(() => ({}))) as {
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const codes = (body.errors ?? []).map((error) => error.extensions?.code);
  const admitted = !codes.includes('UNAUTHENTICATED') && !codes.includes('FORBIDDEN');
  if (response.status < 500 && !codes.includes('INTERNAL_SERVER_ERROR')) return { failure: null, admitted };
  return { failure: failure(response.status, body.errors), admitted };
}

/** Runs the requests a few at a time, as clients would. */
async function sendAll(requests: [Case, Role][], concurrency: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const index = next++;
        answers[index] = await send(...requests[index]);
      }
    }),
  );
  return answers;
}

describe('fuzzing every query and mutation', () => {
  it('answers wrong input as the client’s fault, as every role, and stays healthy', async () => {
    const { right, wrong } = corpus(fixtures);
    const asEveryRole = right.flatMap((c) => ROLES.map((role): [Case, Role] => [c, role]));
    const rightAnswers = await sendAll(asEveryRole, 4);
    // Wrong values go as a role the field lets in, so that they reach the checks behind authorisation.
    const admitted = (field: string) => {
      const roles = asEveryRole
        .filter(([c], index) => c.field === field && rightAnswers[index].admitted)
        .map(([, role]) => role);
      return roles.length > 0 ? roles : ROLES;
    };
    const requests = wrong.map((c): [Case, Role] => [
      c,
      admitted(c.field)[Math.floor(c.draw * admitted(c.field).length)],
    ]);
    // A bound on the run, raised as the API grows (wave 2 adds reviews and images; wave 3 the money of bookings,
    // the availability check, lookups and blocks, and more).
    expect(asEveryRole.length + requests.length).toBeLessThan(4_500);
    const answers = [...rightAnswers, ...(await sendAll(requests, 4))];

    const failures = answers.flatMap((answer) => (answer.failure ? [answer.failure] : []));
    expect(failures.filter((failure) => !KNOWN_FAILURES.has(failure.key))).toEqual([]);
    expect([...KNOWN_FAILURES].filter((key) => !failures.some((failure) => failure.key === key))).toEqual([]);
    expect(new Set(requests.map(([, role]) => role))).toEqual(new Set(ROLES));

    const health = await fetch(server.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
    const { services } = await server.ok(ServicesDocument, {});
    expect(services.map((service) => service.id)).toContain(fixtures.ids.service);
  }, 180_000); // bounded by its ~1,700 requests; a busy machine only makes them slower
});

/** The HTTP status of an answer and the code (and field) of its first error. */
interface Refusal {
  status: number;
  code?: string;
  field?: unknown;
}

async function refusalOf(body: string, role: Role): Promise<Refusal> {
  const response = await post(body, role);
  const { errors } = (await response.json().catch(() => ({}))) as {
    errors?: { extensions?: { code?: string; field?: unknown } }[];
  };
  const [first] = errors ?? [];
  return { status: response.status, code: first?.extensions?.code, field: first?.extensions?.field };
}

/** A GraphQL body whose variables nest `depth` arrays deep, as text: the server must refuse it before parsing it. */
function deepBody(c: Case, depth: number): string {
  const { query } = JSON.parse(requestBody(c)) as { query: string };
  return `{"query":${JSON.stringify(query)},"variables":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}

/** How the argument guard names a string inside an argument: its path inside an input object, else the argument. */
function fieldNamed(c: Case, path: string[]): string {
  const [argument, ...inside] = path.filter((part) => !/^\d+$/.test(part));
  const value = c.args[argument];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? inside.join('.') : argument;
}

describe('requests the server cannot make sense of', () => {
  it('are 4xx with a precise code for every operation: lone surrogates, deep JSON, unknown operation names, subscriptions over HTTP', async () => {
    const { right } = corpus(fixtures);
    const subscriptions: Case[] = Object.values(schema.getSubscriptionType()!.getFields()).map((field) => ({
      field: field.name,
      operation: 'subscription',
      args: Object.fromEntries(
        field.args.map((arg) => [arg.name, validValue(arg.name, arg.type, fixtures, field.name, 0)]),
      ),
      inline: false,
      label: 'over HTTP',
      draw: 0,
    }));
    const checks: { name: string; body: string; expected: Refusal }[] = [];
    for (const c of [...right, ...subscriptions]) {
      checks.push({
        name: `${c.field} unknown operationName`,
        body: requestBody(c, 'NoSuchOperation'),
        expected: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' },
      });
      checks.push({
        name: `${c.field} variables 10,000 arrays deep`,
        body: deepBody(c, 10_000),
        expected: { status: 400, code: 'BAD_REQUEST' },
      });
    }
    for (const c of subscriptions)
      checks.push({
        name: `${c.field} over HTTP`,
        body: requestBody(c),
        expected: { status: 400, code: 'OPERATION_NOT_SUPPORTED' },
      });
    // A lone surrogate in each text and id, alone wrong in a request that is otherwise right.
    for (const c of right) {
      const field = rootOf(c.operation).getFields()[c.field];
      for (const { path, typeName } of leaves(field, c.args)) {
        if (typeName !== 'String' && typeName !== 'ID') continue;
        const wrong = { ...c, args: replaced(structuredClone(c.args), path, 'a\ud800b') };
        checks.push({
          name: `${c.field} ${path.join('.')}=lone surrogate`,
          body: requestBody(wrong),
          expected: { status: 200, code: 'BAD_USER_INPUT', field: fieldNamed(wrong, path) },
        });
      }
    }
    expect(checks.length).toBeGreaterThan(250);
    const answers: Refusal[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < checks.length) {
          const index = next++;
          answers[index] = await refusalOf(checks[index].body, 'anonymous');
        }
      }),
    );
    const wrong = checks.flatMap((check, index) => {
      const { field, ...answer } = answers[index];
      const got = check.expected.field === undefined ? answer : { ...answer, field };
      return JSON.stringify(got) === JSON.stringify(check.expected) ? [] : [{ name: check.name, got }];
    });
    expect(wrong).toEqual([]);
    expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
  }, 120_000);
});
