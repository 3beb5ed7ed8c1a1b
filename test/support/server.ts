import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BookingClient, type VariablesArgument } from '../../client/index';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Client } from 'pg';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { systemClock, type Clock } from '../../src/core/clock';

export const ADMIN = { email: 'admin@example.test', password: 'admin-password' };
export const JWT_SECRET = 'test-secret-shared-by-every-test-process';
/**
 * What GET /health answers while the database answers: the status, the service's name and version. Read
 * from the file, not imported: an import would make `tsc -p tsconfig.json` (npm run bench) copy it into dist.
 */
const packageJson = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as {
  name: string;
  version: string;
};
export const HEALTHY = { status: 'ok', service: packageJson.name, version: packageJson.version };
/** What GET /health answers while the database does not (HTTP 503). */
export const UNHEALTHY = { ...HEALTHY, status: 'unavailable' };
/** GET /metrics asks every test server (in-process or spawned) for this Bearer token. */
export const METRICS_TOKEN = 'test-metrics-token';

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions: { code: string; [key: string]: unknown } }[];
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is set by the jest global setup');
  return url;
}

/**
 * A fresh database on the test PostgreSQL server, a copy of the run's migrated template; dropped again by
 * the returned function.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!template) throw new Error('TEST_TEMPLATE_DATABASE is set by the jest global setup');
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  const defaults = loadConfig({ NODE_ENV: 'test' });
  return {
    ...defaults,
    databaseUrl,
    port: 0,
    jwtSecret: JWT_SECRET,
    jwtSecretGenerated: false,
    metricsToken: METRICS_TOKEN,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests move their clocks by hours and sign up many accounts from one address: tokens outlive
    // that, and only the limits that test/rate-limits.test.ts sets apply to sign-ups and mutations.
    accessTokenMinutes: 7 * 24 * 60,
    rateLimits: { ...defaults.rateLimits, signUpPerAddress: 0, mutationsPerClient: 0 },
    ...overrides,
  };
}

export class TestServer {
  constructor(
    readonly app: RunningApp,
    readonly databaseUrl: string,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  get url(): string {
    return this.app.url;
  }

  /** Sends one typed operation over real HTTP, with the integrators' client (client/index.ts). */
  async request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, token?: string): Promise<GraphQLResult<T>> {
    const client = new BookingClient({ url: this.app.url, token });
    return (await client.request(document, ...([variables] as VariablesArgument<V>))) as GraphQLResult<T>;
  }

  /** The data of an operation that must succeed. */
  ok<T, V>(document: TypedDocumentNode<T, V>, variables?: V, token?: string): Promise<T> {
    return new BookingClient({ url: this.app.url, token }).data(document, ...([variables] as VariablesArgument<V>));
  }

  /** Runs SQL on the server's database (fixtures and checks that the API does not expose). */
  async sql<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as R[];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.dropDatabase();
  }
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  clock: Clock = systemClock,
): Promise<TestServer> {
  const database = await createTestDatabase();
  const app = await startApp(testConfig(database.url, overrides), clock);
  return new TestServer(app, database.url, database.drop);
}

/** One value from a server's /metrics, given its GraphQL URL (a process of ours or a spawned one). */
export async function serverMetric(graphqlUrl: string, name: string): Promise<number> {
  const response = await fetch(graphqlUrl.replace('/graphql', '/metrics'), {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  return Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
}

/** The error codes of a result, in order. */
export function codes(result: GraphQLResult<unknown>): string[] {
  return (result.errors ?? []).map((error) => error.extensions.code);
}

/** How many results answered each way: their codes joined, or OK. */
export function tally(results: GraphQLResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = codes(result).join() || 'OK';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
