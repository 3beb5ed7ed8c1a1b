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

/** Runs the built server (`node dist/src/main.js`, as `npm start` does), or another built `script` that logs `ready at <url>`, as a separate process. */
export function startServerProcess(env: Record<string, string>, script = 'dist/src/main.js'): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.resolve(script)], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', JWT_SECRET, METRICS_TOKEN, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running behind a failed test
      reject(new Error(`server did not start:\n${output}`));
    }, START_DEADLINE_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready at (http:\/\/\S+)"/.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve({
        url: ready[1],
        child,
        output: () => output,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
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
