import fs from 'node:fs';
import { createService, signUp } from './support/fixtures';
import { asTestServer, startServerProcess, type ServerProcess } from './support/process';
import { createTestDatabase, type GraphQLResult, type TestServer } from './support/server';

/** The budget this test holds the server to: its peak resident memory (docs/operations.md, "Running in production"). */
const MEMORY_BUDGET_MB = 1024;
/** Slots of one service, every 15 minutes from tomorrow on: 96 a day, over a year in all. */
const SLOTS = 40_000;
const DAY = 86_400_000;

/** A process's peak resident memory so far (Linux's VmHWM), in MB. */
function peakMemoryMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** `count` aliases of a service's slots, each over its own window of `days` from tomorrow on, every field of a slot. */
function slotWindows(serviceId: string, count: number, days: number): string {
  const tomorrow = Math.ceil(Date.now() / DAY) * DAY;
  const lists = Array.from({ length: count }, (_, index) => {
    const from = new Date(tomorrow + index * days * DAY).toISOString();
    const to = new Date(tomorrow + (index + 1) * days * DAY).toISOString();
    return `w${index}: slots(serviceId: ${serviceId}, from: "${from}", to: "${to}") { id startsAt endsAt capacity booked held status available price { amount currency } }`;
  });
  return `{ ${lists.join(' ')} }`;
}

interface Answer {
  status: number;
  codes: string[];
  rows: number;
}

async function send(url: string, query: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const result = (await response.json()) as GraphQLResult<Record<string, unknown[]>>;
  return {
    status: response.status,
    codes: (result.errors ?? []).map((error) => error.extensions.code),
    rows: Object.values(result.data ?? {}).reduce((sum, list) => sum + (list?.length ?? 0), 0),
  };
}

describe('a service with tens of thousands of slots, and the heaviest queries it accepts sent at once by anonymous clients', () => {
  let spawned: ServerProcess;
  let server: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    spawned = await startServerProcess({ DATABASE_URL: database.url });
    server = asTestServer(spawned, database.url);
  });
  afterAll(async () => {
    await spawned?.stop();
    await drop?.();
  });

  it(`answers each within its limits, stays under ${MEMORY_BUDGET_MB} MB, and /health answers throughout`, async () => {
    const provider = await signUp(server, 'PROVIDER');
    const { id: serviceId } = await createService(server, provider, { durationMinutes: 15, capacity: 10 });
    await server.sql(
      `insert into slot (service_id, starts_at, ends_at, local_date, capacity)
       select $1, at, at + interval '15 minutes', (at at time zone 'Europe/Rome')::date, 10
       from generate_series(date_trunc('day', now()) + interval '1 day', date_trunc('day', now()) + interval '1 day' + ($2 - 1) * interval '15 minutes', interval '15 minutes') at`,
      [serviceId, SLOTS],
    );
    const month = `from: "${new Date(Date.now() + DAY).toISOString()}", to: "${new Date(Date.now() + 29 * DAY).toISOString()}"`;
    const kinds = {
      // Nine windows of 960 slots: as much as one answer may hold (99,000 of its 100,000 units).
      heaviest: slotWindows(serviceId, 9, 10),
      // Twenty such windows: refused once the answer passes its budget, having read no further list.
      overTheAnswerBudget: slotWindows(serviceId, 20, 10),
      // The audit's attack: a year of slots, aliased.
      aYear: slotWindows(serviceId, 20, 366),
      // Four weeks hold 2,688 slots of this service: more than one list answers.
      tooManyInTheWindow: slotWindows(serviceId, 1, 28),
      // Four weeks of every service's slots: priced at 500 services of 1,000 slots, refused before it runs.
      everyServiceAMonth: `{ services { id slots(${month}) { id startsAt endsAt available } } }`,
    };
    // Each may also find the server busy (503): a heavy operation waits its turn 10 s at most.
    const expected: Record<keyof typeof kinds, (answer: Answer) => boolean> = {
      heaviest: (a) => a.status === 200 && a.codes.length === 0 && a.rows === 9 * 960,
      overTheAnswerBudget: (a) => a.status === 400 && same(a.codes, ['RESPONSE_TOO_LARGE']),
      aYear: (a) => a.status === 200 && a.codes.length > 0 && a.codes.every((code) => code === 'BAD_USER_INPUT'),
      tooManyInTheWindow: (a) => a.status === 200 && same(a.codes, ['BAD_USER_INPUT']),
      everyServiceAMonth: (a) => a.status === 400 && same(a.codes, ['QUERY_TOO_COMPLEX']),
    };
    const requests = Array.from({ length: 48 }, (_, index) => {
      const names = Object.keys(kinds) as (keyof typeof kinds)[];
      // Mostly the heaviest: they are what can hold the most at once.
      return index % 2 === 0 ? 'heaviest' : names[(index >> 1) % names.length];
    });

    let loading = true;
    const health: number[] = [];
    let slowestHealthMs = 0;
    const probing = (async () => {
      while (loading) {
        const asked = Date.now();
        const response = await fetch(spawned.url.replace('/graphql', '/health'));
        await response.arrayBuffer();
        health.push(response.status);
        slowestHealthMs = Math.max(slowestHealthMs, Date.now() - asked);
      }
    })();
    const answers = await Promise.all(requests.map((kind) => send(spawned.url, kinds[kind])));
    loading = false;
    await probing;

    const unexpected = answers.flatMap((answer, index) =>
      expected[requests[index]](answer) || isBusy(answer) ? [] : [{ kind: requests[index], ...answer }],
    );
    expect(unexpected).toEqual([]);
    expect(
      answers.filter((answer, index) => requests[index] === 'heaviest' && answer.status === 200).length,
    ).toBeGreaterThan(0);
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((status) => status !== 200)).toEqual([]);
    // Measured, not timed: the peak resident memory of the whole process over the run.
    const peak = peakMemoryMb(spawned.child.pid!);
    expect({ peakUnderBudget: peak < MEMORY_BUDGET_MB }).toEqual({ peakUnderBudget: true });
    console.info(
      `load: peak RSS ${peak.toFixed(0)} MB; ${health.length} /health answers, the slowest in ${slowestHealthMs} ms; statuses`,
      count(answers),
    );
    expect(spawned.child.exitCode).toBeNull();
    expect((await send(spawned.url, '{ services { id } }')).codes).toEqual([]);
  }, 180_000);
});

const isBusy = (answer: Answer) => answer.status === 503 && same(answer.codes, ['SERVICE_UNAVAILABLE']);
const same = (a: string[], b: string[]) => JSON.stringify(a) === JSON.stringify(b);
function count(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
