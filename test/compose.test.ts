import { spawn, type ChildProcess } from 'node:child_process';
import { watchOutput } from './support/process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { AvailabilityChangedDocument, BookDocument, MyMessagesDocument } from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp } from './support/fixtures';
import { eventually, liveClient, Subscription } from './support/live';
import { createTestDatabase, HEALTHY, TestServer } from './support/server';

/**
 * Docker is not needed to check the deployment kit: compose.yaml is read as Compose reads it (YAML with
 * merge keys, `${VAR:-default}` and `${VAR:?error}`), and every service but the database is started as
 * the process its image would run (the Dockerfile's CMD, or the service's command) with the service's
 * environment. Compose's service names become 127.0.0.1 and a free port each; `db` is the tests'
 * PostgreSQL; /app (the image's folder) is a temporary one.
 */
interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    const value = vars[name];
    if (value) return value;
    if (kind === '?') throw new Error(`${name}: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

/** The image's CMD and ENV, as the Dockerfile's last stage sets them. */
function image(): { command: string[]; env: Record<string, string> } {
  const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
  const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const command = JSON.parse(/^CMD (\[.*\])$/m.exec(last)![1]) as string[];
  const env = Object.fromEntries(
    [...(/^ENV (.+)$/m.exec(last)?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map(([, name, value]) => [name, value]),
  );
  return { command, env };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Started {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts one service's process and resolves once it logs `ready`. */
function start(name: string, command: string[], env: Record<string, string>, ready: RegExp): Promise<Started> {
  const [program, ...args] = command;
  const child = spawn(program === 'node' ? process.execPath : program, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const watched = watchOutput(child, ready, 60_000);
  return watched.ready.then(() => ({ name, child, output: watched.output, exited }));
}

const READY: Record<string, RegExp> = {
  'dist/src/main.js': /Booking API ready at/,
  'dist/src/worker-main.js': /Worker ready/,
  'dist/src/proxy-main.js': /Proxy ready at/,
};

describe('compose.yaml, without Docker', () => {
  const compose = parse(fs.readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-compose-'));
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const running: Started[] = [];
  let front: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const vars = { JWT_SECRET: 'compose-test-secret-0123456789' };
    const processes = Object.entries(compose.services).filter(([, service]) => !service.image?.startsWith('postgres'));
    const base = image();
    // Each service listens on its own free port here; its name and container port map to it.
    const addresses = new Map<string, string>();
    const plans = await Promise.all(
      processes.map(async ([name, service]) => {
        const env = Object.fromEntries(
          Object.entries({ ...base.env, ...service.environment }).map(([key, value]) => [
            key,
            interpolate(String(value), vars),
          ]),
        );
        const port = await freePort();
        addresses.set(`${name}:${env.PORT}`, `127.0.0.1:${port}`);
        return {
          name,
          command: service.command ?? base.command,
          // A worker's /metrics takes any free port too (WORKER_METRICS_PORT=0).
          env: {
            ...env,
            PORT: String(port),
            ...(env.WORKER_METRICS_PORT ? { WORKER_METRICS_PORT: '0' } : {}),
          } as Record<string, string>,
        };
      }),
    );
    for (const plan of plans) {
      for (const [key, value] of Object.entries(plan.env)) {
        if (key === 'DATABASE_URL') plan.env[key] = database.url;
        else {
          let mapped = value.replace(/^\/app\//, `${app}/`);
          for (const [from, to] of addresses) mapped = mapped.replaceAll(`//${from}`, `//${to}`);
          plan.env[key] = mapped;
        }
      }
    }
    // The proxy waits for the API processes (depends_on), as Compose makes it.
    const order = (plan: (typeof plans)[number]) => (compose.services[plan.name].command ? 1 : 0);
    for (const plan of [...plans].sort((a, b) => order(a) - order(b)))
      running.push(await start(plan.name, plan.command, plan.env, READY[plan.command[1]]));
    const proxy = plans.find((plan) => plan.command.includes('dist/src/proxy-main.js'))!;
    const url = `http://127.0.0.1:${proxy.env.PORT}/graphql`;
    front = new TestServer(
      { url, port: Number(proxy.env.PORT), log: pino({ level: 'silent' }), stop: async () => {} },
      database.url,
      async () => {},
    );
  }, 120_000);

  afterAll(async () => {
    for (const { child } of running) child.kill('SIGKILL');
    await database.drop();
    fs.rmSync(app, { recursive: true, force: true });
  });

  it('runs PostgreSQL, two API processes, a worker and a proxy; the API processes leave jobs to the worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api-1', 'api-2', 'db', 'proxy', 'worker']);
    const api = ['api-1', 'api-2'].map((name) => compose.services[name]);
    for (const service of [...api, compose.services.worker])
      expect(service.environment).toMatchObject({ WORKER: 'off', NODE_ENV: 'production' });
    expect(compose.services.worker.command).toEqual(['node', 'dist/src/worker-main.js']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's own interpolation, as compose.yaml spells it
    expect(compose.services.proxy.ports).toEqual(['${PORT:-8080}:8080']);
    // JWT_SECRET is required, as NODE_ENV=production requires it.
    expect(() => interpolate(String(compose.services['api-1'].environment!.JWT_SECRET), {})).toThrow(/JWT_SECRET/);
  });

  it('serves HTTP and WebSocket through the one port: a booking through it reaches a subscriber through it, and the worker sends its email', async () => {
    const health = await fetch(front.url.replace('/graphql', '/health'));
    expect([health.status, await health.json()]).toEqual([200, HEALTHY]);
    const [owner, customer] = [await signUp(front, 'PROVIDER'), await signUp(front, 'CUSTOMER')];
    const service = await createService(front, owner);
    const slots = await dailySlots(front, owner, service.id, daysFromNow(3), daysFromNow(30));
    const socket = liveClient(front.url, customer.token);
    const live = new Subscription(socket, AvailabilityChangedDocument, { serviceIds: [service.id] });
    let booked = 0;
    try {
      // The subscription counts once the server has it: until a change arrives, book the next day's slot.
      await eventually(async () => {
        const slot = slots[booked++];
        expect(
          await front.request(BookDocument, { input: { slotIds: [slot.id], party: { adults: 1 } } }, customer.token),
        ).toMatchObject({ data: { book: { status: 'CONFIRMED' } } });
        return live.results.length > 0;
      });
      const [change] = live.results;
      expect(change.data?.availabilityChanged).toMatchObject({ serviceId: service.id, reason: 'BOOKED' });
    } finally {
      live.stop();
      await socket.dispose();
    }
    // Only the worker runs jobs (WORKER=off on the API processes): the confirmation is its work.
    await eventually(async () => {
      const { myMessages } = await front.ok(MyMessagesDocument, {}, customer.token);
      return myMessages.length > 0;
    }, 30_000);
  });

  it('spreads requests over both API processes, and every process stops cleanly on SIGTERM', async () => {
    for (let request = 0; request < 4; request += 1) await fetch(front.url.replace('/graphql', '/health'));
    const [api1, api2] = ['api-1', 'api-2'].map((name) => running.find((each) => each.name === name)!);
    // Each logged a request (an info line is written within 100 ms).
    await eventually(async () => [api1, api2].every((each) => /"url":"\/health"/.test(each.output())));
    for (const each of [...running].reverse()) {
      each.child.kill('SIGTERM');
      expect({ name: each.name, code: await each.exited, output: each.output() }).toEqual({
        name: each.name,
        code: 0,
        output: expect.not.stringMatching(/"stack"|"level":(40|50|60)/),
      });
    }
  });
});
