/** What the bench's sections share: seeding, concurrent clients, rates and the printed tables. */
import { spawn } from 'node:child_process';
import type http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { watchOutput } from '../test/support/process';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function table(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}\n${'-'.repeat(title.length)}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

/** Runs `count` jobs with `clients` workers; returns the seconds it took. */
export async function pool(count: number, clients: number, job: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function seed(
  db: Pool,
  customers: number,
  slots: number,
  capacity: number,
): Promise<{ customerIds: number[]; slotIds: number[] }> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const [{ id: userId }] = (
    await db.query(
      `insert into app_user (email, password_hash, name, role, timezone, created_at) values ($1, 'x', 'Bench owner', 'PROVIDER', 'UTC', now()) returning id`,
      [`owner-${suffix}@bench.test`],
    )
  ).rows;
  const [{ id: providerId }] = (
    await db.query(`insert into provider (user_id, name) values ($1, 'Bench owner') returning id`, [userId])
  ).rows;
  const [{ id: serviceId }] = (
    await db.query(
      `insert into service (provider_id, name, timezone, duration_minutes, capacity, price_amount, currency, max_party_size, created_at)
       values ($1, 'Bench service', 'UTC', 60, $2, '10.00', 'EUR', 10, now()) returning id`,
      [providerId, capacity],
    )
  ).rows;
  const customerIds = (
    await db.query(
      `insert into app_user (email, password_hash, name, role, timezone, created_at)
       select 'c' || g || '-' || $2 || '@bench.test', 'x', 'Customer', 'CUSTOMER', 'UTC', now() from generate_series(1, $1) g returning id`,
      [customers, suffix],
    )
  ).rows.map((row) => row.id as number);
  const slotIds = (
    await db.query(
      `insert into slot (service_id, starts_at, ends_at, local_date, capacity)
       select $1, date_trunc('hour', now()) + (g || ' hours')::interval + interval '2 days',
              date_trunc('hour', now()) + (g || ' hours')::interval + interval '2 days 1 hour',
              (date_trunc('hour', now()) + (g || ' hours')::interval + interval '2 days')::date, $3
       from generate_series(1, $2) g returning id`,
      [serviceId, slots, capacity],
    )
  ).rows.map((row) => row.id as number);
  return { customerIds, slotIds: slotIds.sort((a, b) => a - b) };
}

export const READ_CLIENTS = 8;
export const READ_REQUESTS = 240;

/** Requests per second of `request` sent READ_REQUESTS times by READ_CLIENTS clients, after a warm-up. */
export async function rate(request: () => Promise<unknown>): Promise<number> {
  await pool(READ_CLIENTS * 2, READ_CLIENTS, request);
  return READ_REQUESTS / (await pool(READ_REQUESTS, READ_CLIENTS, request));
}

export async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { errors?: unknown };
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer;
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface Child<T> {
  ready: T;
  stop(): Promise<void>;
}

/**
 * Runs a compiled bench script (`dist/bench/<name>.js`) in its own process, so that what it serves does not
 * share the bench client's event loop; resolves with what it prints on its `ready <json>` line.
 */
export function startChild<T>(name: string, env: Record<string, string>): Promise<Child<T>> {
  const child = spawn(process.execPath, [path.join(__dirname, `${name}.js`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return watchOutput(child, /^ready (.*)$/m).ready.then((ready) => ({
    ready: JSON.parse(ready[1]) as T,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  }));
}

/** Says a bench child is ready, with what the bench needs from it (its URLs). */
export function announceReady(value: unknown): void {
  console.log(`ready ${JSON.stringify(value)}`);
}
