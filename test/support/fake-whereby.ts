import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { FakeHttpApi } from './fake-http';

export const WHEREBY_API_KEY = 'whereby-test-key';

export interface FakeRoom {
  meetingId: string;
  roomName: string;
  roomUrl: string;
  hostRoomUrl: string;
  viewerRoomUrl: string;
  startDate: string;
  endDate: string;
  roomMode: string;
  isLocked: boolean;
}

/** Whereby's documented costs of a call in its per-minute point budget. */
const COST = { GET: 1, DELETE: 2, POST: 3 } as Record<string, number>;
const HOUR = 3_600_000;

/**
 * A local Whereby REST API (v1 meetings): Bearer API key, `POST /v1/meetings` (endDate required and not
 * in the past, roomNamePrefix, roomNamePattern, roomMode, isLocked, `fields`), `GET` and `DELETE
 * /v1/meetings/{meetingId}`; a room is deleted an hour after its endDate. Calls spend Whereby's
 * per-minute points (read 1, delete 2, write 3; 100 on the Build plan), past which it answers 429 with
 * Retry-After and the X-RateLimit headers. `mode` makes the next calls fail.
 */
export class FakeWhereby extends FakeHttpApi {
  readonly rooms = new Map<string, FakeRoom>();
  readonly calls: { method: string; path: string }[] = [];
  mode: 'ok' | 'down' | 'error' | 'lose' = 'ok';
  pointsPerMinute = 100;
  private spent = { since: 0, points: 0 };
  private nextId = 93_000_001;
  private offsetMs = 0;

  static start(): Promise<FakeWhereby> {
    return new FakeWhereby().listen();
  }

  get url(): string {
    return `${this.origin}/v1`;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.url);
    this.calls.push({ method, path: url.pathname });
    if (this.mode === 'down') return void req.socket.destroy();
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      if (this.mode === 'lose') return void req.socket.destroy();
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (this.mode === 'error') return send(500, { error: 'Internal server error' });
    if (req.headers.authorization !== `Bearer ${WHEREBY_API_KEY}`)
      return send(401, { error: 'Access token is missing or invalid' });

    // The budget of a minute, counted from the first call of that minute.
    if (this.now() >= this.spent.since + 60_000) this.spent = { since: this.now(), points: 0 };
    const cost = COST[method] ?? 1;
    const reset = this.spent.since + 60_000;
    const limits = (remaining: number) => ({
      'x-ratelimit-limit': String(this.pointsPerMinute),
      'x-ratelimit-remaining': String(Math.max(remaining, 0)),
      'x-ratelimit-reset': new Date(reset).toISOString(),
    });
    if (this.spent.points + cost > this.pointsPerMinute) {
      return send(
        429,
        { error: 'You are rate limited' },
        {
          ...limits(this.pointsPerMinute - this.spent.points),
          'retry-after': String(Math.ceil((reset - this.now()) / 1000)),
        },
      );
    }
    this.spent.points += cost;
    const headers = limits(this.pointsPerMinute - this.spent.points);

    for (const [id, room] of this.rooms) if (Date.parse(room.endDate) + HOUR < this.now()) this.rooms.delete(id);
    if (url.pathname === '/v1/meetings' && method === 'POST') {
      const [status, body] = this.create(raw);
      return send(status, body, headers);
    }
    const one = /^\/v1\/meetings\/([^/]+)$/.exec(url.pathname);
    const room = one && this.rooms.get(decodeURIComponent(one[1]));
    if (!room) return send(404, { error: 'Meeting not found' }, headers);
    if (method === 'GET') {
      const fields = (url.searchParams.get('fields') ?? '').split(',');
      return send(200, this.answer(room, fields), headers);
    }
    if (method === 'DELETE') {
      this.rooms.delete(room.meetingId);
      return send(204, undefined, headers);
    }
    return send(405, { error: 'Method not allowed' }, headers);
  }

  private create(raw: string): [number, unknown] {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(raw);
    } catch {
      return [400, { error: 'Request body must be JSON' }];
    }
    const end = Date.parse(String(input.endDate ?? ''));
    if (typeof input.endDate !== 'string' || Number.isNaN(end))
      return [400, { error: '"endDate" is required and must be a date-time' }];
    if (end < this.now()) return [400, { error: '"endDate" must be the same or after the current date' }];
    const prefix = input.roomNamePrefix ?? '';
    if (typeof prefix !== 'string' || !/^[a-z0-9-]{0,39}$/.test(prefix.replaceAll(' ', '')))
      return [400, { error: '"roomNamePrefix" must be at most 39 lowercase letters, digits or dashes' }];
    const mode = input.roomMode ?? 'normal';
    if (mode !== 'normal' && mode !== 'group') return [400, { error: '"roomMode" must be one of [normal, group]' }];
    const pattern = input.roomNamePattern ?? 'uuid';
    if (pattern !== 'uuid' && pattern !== 'human-short')
      return [400, { error: '"roomNamePattern" must be one of [uuid, human-short]' }];
    const fields = (input.fields ?? []) as string[];
    if (!Array.isArray(fields) || fields.some((field) => field !== 'hostRoomUrl' && field !== 'viewerRoomUrl'))
      return [400, { error: '"fields" may hold hostRoomUrl and viewerRoomUrl' }];
    const meetingId = String(this.nextId++);
    const suffix = pattern === 'uuid' ? randomUUID() : randomUUID().replaceAll('-', '').slice(0, 6);
    const roomName = `/${prefix.replaceAll(' ', '')}${suffix}`;
    const roomUrl = `https://example.whereby.com${roomName}`;
    const room: FakeRoom = {
      meetingId,
      roomName,
      roomUrl,
      hostRoomUrl: `${roomUrl}?roomKey=${randomUUID()}`,
      viewerRoomUrl: `${roomUrl}?viewerKey=${randomUUID()}`,
      startDate: new Date(this.now()).toISOString(),
      endDate: new Date(end).toISOString(),
      roomMode: mode,
      isLocked: input.isLocked === true,
    };
    this.rooms.set(meetingId, room);
    return [201, this.answer(room, fields)];
  }

  private answer(room: FakeRoom, fields: string[]) {
    const { meetingId, roomName, roomUrl, startDate, endDate } = room;
    return {
      meetingId,
      roomName,
      roomUrl,
      startDate,
      endDate,
      ...(fields.includes('hostRoomUrl') ? { hostRoomUrl: room.hostRoomUrl } : {}),
      ...(fields.includes('viewerRoomUrl') ? { viewerRoomUrl: room.viewerRoomUrl } : {}),
    };
  }
}
