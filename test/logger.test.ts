import { spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from './support/live';

/**
 * A process that logs bursts of lines, then goes quiet for 5 s, saying on stderr how many it logged. Its
 * stdout is not read until then: its writes stay under way (the pipe full) when its flush timers fire.
 */
const BURSTS = `
const log = require(${JSON.stringify(path.resolve('dist/src/infra/logger.js'))}).createLogger('info');
let logged = 0;
let rounds = 0;
const timer = setInterval(() => {
  const lines = 5 + Math.floor(Math.random() * 40);
  for (let i = 0; i < lines; i += 1) log.info({ n: ++logged, pad: 'x'.repeat(150) }, 'line');
  if (++rounds < 200) return;
  clearInterval(timer);
  process.stderr.write('logged ' + logged + '\\n');
  setTimeout(() => {}, 5000);
}, 1);
`;

describe('the logger', () => {
  it('writes every line soon after it was logged while the process goes on, none left in its buffer', async () => {
    const runs = Array.from({ length: 6 }, async () => {
      const child = spawn(process.execPath, ['-e', BURSTS], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      let logged = -1;
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString())).pause();
      child.stderr.on('data', (chunk: Buffer) => {
        logged = Number(/logged (\d+)/.exec(chunk.toString())?.[1] ?? -1);
        child.stdout.resume();
      });
      try {
        await eventually(async () => logged > 0);
        // Well before the process exits (when pino would write what is left anyway).
        await eventually(async () => output.split('\n').filter(Boolean).length === logged, 3_000);
        return { exited: child.exitCode, lines: output.split('\n').filter(Boolean).length, logged };
      } finally {
        child.kill();
      }
    });
    for (const run of await Promise.all(runs))
      expect(run).toEqual({ exited: null, lines: run.logged, logged: run.logged });
  });
});
