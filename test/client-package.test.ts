import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BookDocument, LogInDocument, SlotsDocument } from '../client/generated/graphql';
import { daysFromNow } from './support/fixtures';
import { eventually } from './support/live';
import { asTestServer, startServerProcess, type ServerProcess } from './support/process';
import { docBlocks } from './support/docs';
import { createTestDatabase } from './support/server';

const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env: process.env, maxBuffer: 16 << 20 });

/** Type-checks `file` in the scratch project with the repository's TypeScript, as an integrator's build would. */
const typeCheck = (cwd: string, file: string) =>
  run(
    process.execPath,
    [
      path.resolve('node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      file,
    ],
    { cwd },
  ).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );

describe('the client package, from a scratch project on Node 24', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-client-'));
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess;

  beforeAll(async () => {
    // What an integrator gets: the packed tarball (its prepack builds dist/), installed with ws beside it.
    const { stdout } = await npm(['pack', '--json', '--pack-destination', scratch], path.resolve('client'));
    const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
    fs.writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch', type: 'module', private: true }),
    );
    await npm(
      ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(scratch, filename), 'ws@^8'],
      scratch,
    );
    database = await createTestDatabase();
    await run(process.execPath, [path.resolve('dist/src/seed-main.js')], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    });
    server = await startServerProcess({ DATABASE_URL: database.url });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('is importable from ESM and CommonJS, both entry points', async () => {
    const esm = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { BookingClient, subscribe } from 'booking-calendar-client'; import { LogInDocument } from 'booking-calendar-client/operations'; console.log(typeof BookingClient, typeof subscribe, LogInDocument.kind)",
      ],
      { cwd: scratch },
    );
    const cjs = await run(
      process.execPath,
      [
        '--input-type=commonjs',
        '-e',
        "const { BookingClient, subscribe } = require('booking-calendar-client'); const { LogInDocument } = require('booking-calendar-client/operations'); console.log(typeof BookingClient, typeof subscribe, LogInDocument.kind)",
      ],
      { cwd: scratch },
    );
    expect([esm.stdout, cjs.stdout]).toEqual(['function function Document\n', 'function function Document\n']);
  });

  it('asks for variables exactly when the operation requires them: a missing or extra variable does not compile', async () => {
    const uses = (body: string) =>
      `import { BookingClient } from 'booking-calendar-client';\nimport { LogInDocument, MyBookingsPageDocument, ServicesDocument } from 'booking-calendar-client/operations';\nconst api = new BookingClient({ url: 'http://localhost:4000/graphql' });\n${body}\n`;
    fs.writeFileSync(
      path.join(scratch, 'fine.ts'),
      uses(
        [
          "await api.data(LogInDocument, { email: 'a@b.example', password: 'secret-password' });",
          'await api.data(MyBookingsPageDocument);', // only optional variables
          'await api.data(MyBookingsPageDocument, { first: 5 });',
          'await api.request(ServicesDocument);',
          'export {};',
        ].join('\n'),
      ),
    );
    fs.writeFileSync(path.join(scratch, 'missing.ts'), uses('await api.data(LogInDocument);\nexport {};'));
    fs.writeFileSync(
      path.join(scratch, 'extra.ts'),
      uses('await api.data(MyBookingsPageDocument, { first: 5, pageSize: 5 });\nexport {};'),
    );
    fs.writeFileSync(
      path.join(scratch, 'wrong.ts'),
      uses("await api.data(LogInDocument, { email: 'a@b.example' });\nexport {};"),
    );
    expect(await typeCheck(scratch, 'fine.ts')).toBe('');
    expect(await typeCheck(scratch, 'missing.ts')).toMatch(/missing\.ts\(4,\d+\): error TS2554/); // expected 2 arguments
    expect(await typeCheck(scratch, 'extra.ts')).toMatch(/extra\.ts\(4,\d+\): error TS2353: .*'pageSize'/);
    expect(await typeCheck(scratch, 'wrong.ts')).toMatch(/wrong\.ts\(4,\d+\): error TS2345: [\s\S]*'password'/);
  });

  it('is generated by npm run codegen, which prints what is wrong with an invalid operation and exits 1', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-codegen-'));
    try {
      fs.mkdirSync(path.join(project, 'client/operations'), { recursive: true });
      for (const file of ['codegen.ts', 'schema.graphql']) fs.copyFileSync(file, path.join(project, file));
      fs.symlinkSync(path.resolve('node_modules'), path.join(project, 'node_modules'));
      fs.writeFileSync(path.join(project, 'client/operations/bad.graphql'), 'query Bad {\n  nope\n}\n');
      const failed = await run(process.execPath, ['node_modules/.bin/graphql-codegen', '--config', 'codegen.ts'], {
        cwd: project,
        env: { PATH: process.env.PATH }, // as a shell runs it (Jest's NODE_ENV=test quiets codegen's reporter)
      }).then(
        () => ({ code: 0, output: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          output: error.stdout + error.stderr,
        }),
      );
      expect(failed.code).toBe(1);
      expect(failed.output).toContain('Cannot query field "nope" on type "Query"');
      expect(failed.output).toContain('client/operations/bad.graphql:2:3');
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it('runs under Node 24 type stripping as written (client/index.ts and its operations)', async () => {
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `const client = await import(${JSON.stringify(path.resolve('client/index.ts'))}); const operations = await import(${JSON.stringify(path.resolve('client/generated/graphql.ts'))}); console.log(typeof client.BookingClient, operations.LogInDocument.kind)`,
    ]);
    expect(stdout).toBe('function Document\n');
  });

  it("runs the API guide's snippet as written: signs in, reads bookings, and hears a change live", async () => {
    const [snippet] = docBlocks('docs/api-guide.md', 'The client', 'ts');
    fs.writeFileSync(path.join(scratch, 'app.ts'), snippet);
    const child = spawn(process.execPath, ['app.ts'], {
      cwd: scratch,
      env: { PATH: process.env.PATH, BOOKING_API: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(async () => output.includes('0 bookings'), 30_000);
      // The demo customer books an umbrella slot: the snippet's subscription hears it.
      const api = asTestServer(server, database.url);
      const { logIn } = await api.ok(LogInDocument, { email: 'customer@demo.example', password: 'demo-password' });
      const from = `${daysFromNow(2)}T00:00:00Z`;
      const to = `${daysFromNow(10)}T00:00:00Z`;
      const { slots } = await api.ok(SlotsDocument, { serviceId: '1', from, to });
      // Until the subscription is in place a change may pass unheard: book another slot until one is heard.
      let next = 0;
      await eventually(async () => {
        if (next < slots.length)
          await api.request(
            BookDocument,
            { input: { slotIds: [slots[next++].id], party: { adults: 1 } } },
            logIn.token,
          );
        return output.includes('changed: {"serviceId":"1"');
      }, 30_000);
      expect(output).not.toMatch(/Error|ERR_/);
    } finally {
      child.kill();
    }
  });
});
