import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake outside API on a local HTTP server (Google's, Zoom's, Whereby's): what every one shares, listening on a
 * free port of 127.0.0.1, reading each request's body whole, and stopping with its connections.
 */
export abstract class FakeHttpApi {
  private readonly server = http.createServer((req, res) => void this.read(req, res));

  /** Answers one request whose body has been read. */
  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> | void;

  protected async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `http://127.0.0.1:<port>`, where it listens. */
  protected get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async read(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    await this.handle(req, res, body);
  }
}
