import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { watchOutput } from './support/process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, HEALTHY } from './support/server';

const run = promisify(execFile);

/**
 * What an operator deploys: the built tree (package.json, the lock file, dist/, scripts/) with its
 * production dependencies alone, installed without running any install script.
 */
describe('npm ci --omit=dev --ignore-scripts on the built tree', () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-production-'));
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(file, path.join(tree, file));
    for (const folder of ['dist', 'scripts']) fs.cpSync(folder, path.join(tree, folder), { recursive: true });
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: tree,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 16 << 20,
    });
    database = await createTestDatabase();
  }, 300_000);
  afterAll(async () => {
    if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    await database?.drop();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('installs no development tool and nothing unused', () => {
    const installed = (name: string) => fs.existsSync(path.join(tree, 'node_modules', name, 'package.json'));
    // (typescript comes along as an optional peer of graphile-worker's cosmiconfig; nothing of ours runs it there.)
    expect(
      ['jest', 'esbuild', 'graphiql', '@biomejs/biome', 'playwright-core', 'class-validator'].filter(installed),
    ).toEqual([]);
    expect(['express', 'pg', 'graphql', 'pino-http'].every(installed)).toBe(true);
  });

  it('starts with npm start and serves GraphQL, health, and the bundled explorer', async () => {
    child = spawn('npm', ['start'], {
      cwd: tree,
      detached: true, // its own process group: npm, the shell and the server stop together
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        JWT_SECRET: 'production-install-secret',
        PORT: '0',
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const watched = watchOutput(child, /ready at (http:\/\/\S+)"/, 60_000);
    const [, url] = await watched.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/); // HOST
    const health = await fetch(url.replace('/graphql', '/health'));
    expect([health.status, await health.json()]).toEqual([200, HEALTHY]);
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ services { id } }' }),
    });
    expect([answer.status, await answer.json()]).toEqual([200, { data: { services: [] } }]);
    const explorer = await fetch(url, { headers: { accept: 'text/html' } });
    expect([explorer.status, explorer.headers.get('content-type')]).toEqual([
      200,
      expect.stringContaining('text/html'),
    ]);
    const script = await fetch(url.replace('/graphql', '/assets/explorer.js'));
    expect(script.status).toBe(200);
    expect(watched.output()).not.toMatch(/"level":(40|50|60)/); // a warning is written at once
  });
});
