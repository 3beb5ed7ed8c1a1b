import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogInDocument, SignUpDocument } from './generated/graphql';
import { print } from 'graphql';
import { startServerProcess } from './support/process';

async function post(url: string, document: typeof SignUpDocument | typeof LogInDocument, variables: object) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: print(document), variables }) });
  return (await response.json()) as { data?: Record<string, { user: { email: string } }>; errors?: unknown[] };
}

const postgresRunningIn = (dir: string) => {
  try {
    return execFileSync('pgrep', ['-f', dir]).toString().trim().length > 0;
  } catch {
    return false;
  }
};

describe('npm start without DATABASE_URL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-start-'));
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as another user that must reach it
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('runs on an embedded PostgreSQL that keeps its data, and stops cleanly on SIGTERM and SIGINT', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    expect(first.output()).toContain('Booking API ready at http://localhost:');
    const health = await fetch(first.url.replace('/graphql', '/health'));
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const user = { email: 'keeper@example.test', password: 'password123', name: 'Keeper', role: 'CUSTOMER' };
    expect((await post(first.url, SignUpDocument, { input: user })).errors).toBeUndefined();
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(postgresRunningIn(dataDir)).toBe(false);

    const second = await startServerProcess({ DATA_DIR: dataDir });
    const login = await post(second.url, LogInDocument, { email: user.email, password: user.password });
    expect(login.errors).toBeUndefined();
    expect(await second.stop('SIGINT')).toBe(0);
    expect(postgresRunningIn(dataDir)).toBe(false);
  });
});
