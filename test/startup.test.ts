import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogInDocument, SignUpDocument } from '../client/generated/graphql';
import { print } from 'graphql';
import { runUntilExit, startServerProcess } from './support/process';
import { HEALTHY } from './support/server';

async function post(url: string, document: typeof SignUpDocument | typeof LogInDocument, variables: object) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
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
    expect([health.status, await health.json()]).toEqual([200, HEALTHY]);
    const user = { email: 'keeper@example.test', password: 'password123', name: 'Keeper', role: 'CUSTOMER' };
    expect((await post(first.url, SignUpDocument, { input: user })).errors).toBeUndefined();
    // A second server on the same data folder says, in one line, what is wrong.
    const twin = await runUntilExit({ DATA_DIR: dataDir, JWT_SECRET: 'a-secret', PORT: '0' });
    expect(twin).toEqual({
      code: 1,
      lines: [
        expect.stringMatching(
          new RegExp(
            `^The data folder ${dataDir}/postgres is in use by another running server \\(its PostgreSQL has PID \\d+\\): stop that server first`,
          ),
        ),
      ],
    });
    // A clean stop logs no warning, error or stack. The output is in the comparison so that a failed stop says why.
    expect({ code: await first.stop('SIGTERM'), output: first.output() }).toEqual({
      code: 0,
      output: expect.not.stringMatching(/shutdown step|"stack"|"level":(40|50|60)/),
    });
    expect(postgresRunningIn(dataDir)).toBe(false);

    const second = await startServerProcess({ DATA_DIR: dataDir });
    const login = await post(second.url, LogInDocument, { email: user.email, password: user.password });
    expect(login.errors).toBeUndefined();
    expect({ code: await second.stop('SIGINT'), output: second.output() }).toEqual({
      code: 0,
      output: expect.not.stringMatching(/shutdown step|"stack"|"level":(40|50|60)/),
    });
    expect(postgresRunningIn(dataDir)).toBe(false);
  }, 300_000); // two starts on an embedded PostgreSQL, the first with initdb
});

describe('settings', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a port number (0 to 65535), got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be a port number (0 to 65535), got "70000"'],
    [{ WORKER: 'no' }, 'WORKER must be on, off, true, false, 1 or 0, got "no"'],
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ],
    [{ HOLD_MINUTES: '-1' }, 'HOLD_MINUTES must be a non-negative number, got "-1"'],
    [
      { CORS_ORIGINS: 'https://a.example/' },
      'CORS_ORIGINS must list origins such as https://app.example.com, got "https://a.example/"',
    ],
  ])('refuses %j at start in one line naming the variable', async (env, message) => {
    expect(await runUntilExit({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/none', ...env })).toEqual({
      code: 1,
      lines: [message],
    });
  });

  it('says in one line that the embedded PostgreSQL cannot reach a 0700 folder, instead of an initdb stack', async () => {
    if (process.getuid?.() !== 0) return; // only root hands the database to another user
    const hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-hidden-')); // 0700, as mktemp -d makes
    try {
      const { code, lines } = await runUntilExit({ DATA_DIR: path.join(hidden, 'data'), JWT_SECRET: 'a-secret' });
      expect({ code, lines }).toEqual({
        code: 1,
        lines: [expect.stringContaining(`cannot enter ${hidden} (mode 700): run \`chmod o+x ${hidden}\``)],
      });
    } finally {
      fs.rmSync(hidden, { recursive: true, force: true });
    }
  });
});
