import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { JWT_SECRET, METRICS_TOKEN, TestServer } from './server';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A deadline, not a wait: a first start runs initdb, which takes far longer on a loaded 2-core machine. */
const START_DEADLINE_MS = 120_000;

/** Runs the built server with exactly `env` until it exits by itself (it refuses to start): its exit code and output lines. */
export async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, [path.resolve('dist/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, lines: output.trim().split('\n') };
}

/** A child process's output as it comes (stdout and stderr), and the first match of its ready line. */
export interface Watched {
  output: () => string;
  ready: Promise<RegExpExecArray>;
}

/**
 * Collects `child`'s output and resolves `ready` with the first match of `pattern`; rejects when the child
 * exits first, or after `deadlineMs` (then `onLate` runs, e.g. to kill it).
 */
export function watchOutput(child: ChildProcess, pattern: RegExp, deadlineMs?: number, onLate = () => {}): Watched {
  let output = '';
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer =
      deadlineMs === undefined
        ? undefined
        : setTimeout(() => {
            onLate();
            reject(new Error(`${child.spawnargs.join(' ')} did not start:\n${output}`));
          }, deadlineMs);
    let started = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Only until ready: searching the whole output again for each chunk after that would cost the test
      // (or bench) process time that grows with every line the child logs.
      if (started) return;
      const match = pattern.exec(output);
      if (!match) return;
      started = true;
      clearTimeout(timer);
      resolve(match);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${child.spawnargs.join(' ')} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { output: () => output, ready };
}

/** Runs the built server (`node dist/src/main.js`, as `npm start` does), or another built `script` that logs `ready at <url>`, as a separate process. */
export async function startServerProcess(
  env: Record<string, string>,
  script = 'dist/src/main.js',
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.resolve(script)], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', JWT_SECRET, METRICS_TOKEN, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // not left running behind a failed test
  const watched = watchOutput(child, /ready at (http:\/\/\S+)"/, START_DEADLINE_MS, () => child.kill('SIGKILL'));
  const [, url] = await watched.ready;
  return {
    url,
    child,
    output: watched.output,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** A server process seen as a TestServer, so that the fixtures work on it; its `stop` sends SIGTERM. */
export function asTestServer(server: ServerProcess, databaseUrl: string): TestServer {
  const app = {
    url: server.url,
    port: Number(new URL(server.url).port),
    log: pino({ level: 'silent' }),
    stop: async () => void (await server.stop()),
  };
  return new TestServer(app, databaseUrl, async () => {});
}
