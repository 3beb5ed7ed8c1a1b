import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const ZOOM_CREDENTIALS = { accountId: 'acct-test', clientId: 'client-test', clientSecret: 'secret-test' };

export interface FakeMeeting {
  id: number;
  topic: string;
  agenda: string;
  start_time: string;
  duration: number;
  timezone: string;
  join_url: string;
}

export interface ZoomCall {
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

/**
 * A local HTTP server speaking the parts of Zoom's API the server uses: the account_credentials token, and
 * meetings create, list, update and delete. `mode` makes the next calls fail: `down` (connection closed
 * unanswered), `error` (HTTP 500), `hang` (no answer), `lose` (done, then the connection closed unanswered).
 */
export class FakeZoom {
  readonly meetings = new Map<number, FakeMeeting>();
  readonly calls: ZoomCall[] = [];
  mode: 'ok' | 'down' | 'error' | 'hang' | 'lose' = 'ok';
  private nextId = 81_000_000_001;
  private readonly tokens = new Set<string>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeZoom> {
    const server = http.createServer();
    const fake = new FakeZoom(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  called(method: string, path: RegExp): ZoomCall[] {
    return this.calls.filter((call) => call.method === method && path.test(call.path));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    this.calls.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, body });
    if (this.mode === 'hang') return;
    if (this.mode === 'down') return void req.socket.destroy();
    const send = (status: number, payload?: unknown) => {
      if (this.mode === 'lose') return void req.socket.destroy();
      res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (this.mode === 'error') return send(500, { code: 500, message: 'Internal error' });
    const url = new URL(req.url!, this.url);
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const params = new URLSearchParams(body);
      const basic = `Basic ${Buffer.from(`${ZOOM_CREDENTIALS.clientId}:${ZOOM_CREDENTIALS.clientSecret}`).toString('base64')}`;
      if (
        req.headers.authorization !== basic ||
        params.get('grant_type') !== 'account_credentials' ||
        params.get('account_id') !== ZOOM_CREDENTIALS.accountId
      ) {
        return send(400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      }
      const token = `tok-${this.tokens.size + 1}`;
      this.tokens.add(token);
      return send(200, { access_token: token, token_type: 'bearer', expires_in: 3599, scope: 'meeting:write:admin' });
    }
    if (!this.tokens.has(req.headers.authorization?.replace(/^Bearer /, '') ?? ''))
      return send(401, { code: 124, message: 'Invalid access token.' });
    if (url.pathname === '/v2/users/me/meetings' && req.method === 'POST') {
      const input = JSON.parse(body) as Omit<FakeMeeting, 'id' | 'join_url'>;
      const id = this.nextId++;
      const meeting = {
        id,
        topic: input.topic,
        agenda: input.agenda,
        start_time: input.start_time,
        duration: input.duration,
        timezone: input.timezone,
        join_url: `https://zoom.example.test/j/${id}`,
      };
      this.meetings.set(id, meeting);
      return send(201, meeting);
    }
    if (url.pathname === '/v2/users/me/meetings' && req.method === 'GET') {
      return send(200, {
        page_size: 300,
        total_records: this.meetings.size,
        next_page_token: '',
        meetings: [...this.meetings.values()],
      });
    }
    const one = /^\/v2\/meetings\/(\d+)$/.exec(url.pathname);
    const meeting = one && this.meetings.get(Number(one[1]));
    if (!meeting) return send(404, { code: 3001, message: 'Meeting does not exist' });
    if (req.method === 'PATCH') {
      Object.assign(meeting, JSON.parse(body));
      return send(204);
    }
    if (req.method === 'DELETE') {
      this.meetings.delete(meeting.id);
      return send(204);
    }
    return send(404, { code: 404, message: 'Not found' });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
