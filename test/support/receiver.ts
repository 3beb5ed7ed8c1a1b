import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers: a status, no answer at all, a 200 whose body never ends, or a 200 whose body never comes. */
export type Answer = number | 'hang' | 'endless' | 'stall';

/**
 * The API guide's verification, as a receiver writes it: the `standardwebhooks` package checks the
 * signature of "id.timestamp.body" and that the timestamp is within five minutes.
 */
export function verified(secret: string, received: Received): boolean {
  try {
    new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** A real local HTTP server that records webhook POSTs and answers as told. */
export class Receiver {
  readonly received: Received[] = [];
  answer: Answer = 200;
  private waiters: (() => void)[] = [];
  private readonly open = new Set<http.ServerResponse>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Resolves once `count` requests in all have arrived. */
  async requests(count: number): Promise<Received[]> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received.slice(0, count);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      this.received.push({ headers: req.headers, body });
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
      this.respond(res);
    });
  }

  private respond(res: http.ServerResponse): void {
    const answer = this.answer;
    if (answer === 'hang' || answer === 'stall') {
      this.open.add(res);
      if (answer === 'stall') res.writeHead(200, { 'content-type': 'text/plain' }).flushHeaders();
      return;
    }
    if (answer !== 'endless') {
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
      return;
    }
    this.open.add(res);
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = 'x'.repeat(16 * 1024);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
