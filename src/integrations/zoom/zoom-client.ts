import { retryAfterSeconds } from '../../core/retry-after';

/** Zoom server-to-server OAuth credentials; `apiUrl` points every call, the token's too, at another host (tests). */
export interface ZoomSettings {
  accountId: string;
  clientId: string;
  clientSecret: string;
  apiUrl?: string;
  /** How long one call may take before it counts as failed (and is retried by its job). */
  timeoutMs: number;
}

/** What a booking's meeting should be. */
export interface ZoomMeetingTerms {
  topic: string;
  agenda: string;
  start: Date;
  durationMinutes: number;
  timezone: string;
}

export interface ZoomMeeting {
  id: string;
  joinUrl: string;
  topic: string;
}

/**
 * A call Zoom refused or that did not complete; `status` is null when no answer came, `code` is Zoom's own
 * (3001: no such meeting), and `retryAfterSeconds` what a 429's Retry-After asked for (a per-second limit,
 * or the next day for a daily one).
 */
export class ZoomError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
    readonly code?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ZoomError';
  }

  /** Zoom no longer has the meeting (deleted in Zoom, or it ended and was removed). */
  get gone(): boolean {
    return this.status === 404;
  }
}

interface MeetingBody {
  id: number | string;
  join_url: string;
  topic: string;
}

/** Renews the access token this long before Zoom says it ends. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * A small typed client of Zoom's REST API (there is no official Node SDK worth its weight): an account
 * token by the account_credentials grant, kept until shortly before it ends, and the meeting calls.
 */
export class ZoomClient {
  private token?: { value: string; expiresAt: number };

  constructor(private readonly settings: ZoomSettings) {}

  private get apiBase(): string {
    return this.settings.apiUrl ?? 'https://api.zoom.us';
  }

  private get oauthBase(): string {
    return this.settings.apiUrl ?? 'https://zoom.us';
  }

  async createMeeting(terms: ZoomMeetingTerms): Promise<ZoomMeeting> {
    return meeting(await this.call<MeetingBody>('POST', '/v2/users/me/meetings', { type: 2, ...body(terms) }));
  }

  async updateMeeting(id: string, terms: ZoomMeetingTerms): Promise<void> {
    await this.call('PATCH', `/v2/meetings/${encodeURIComponent(id)}`, body(terms));
  }

  /** Deletes a meeting; one that is already gone counts as deleted. */
  async deleteMeeting(id: string): Promise<void> {
    try {
      await this.call('DELETE', `/v2/meetings/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof ZoomError && error.gone)) throw error;
    }
  }

  /** The scheduled meeting whose topic ends with `marker`, if any: how a create whose answer was lost is found again. */
  async findMeeting(marker: string): Promise<ZoomMeeting | null> {
    let pageToken = '';
    do {
      const page = await this.call<{ meetings?: MeetingBody[]; next_page_token?: string }>(
        'GET',
        `/v2/users/me/meetings?type=scheduled&page_size=300${pageToken ? `&next_page_token=${encodeURIComponent(pageToken)}` : ''}`,
      );
      const found = page.meetings?.find((candidate) => candidate.topic.endsWith(marker));
      if (found) return meeting(found);
      pageToken = page.next_page_token ?? '';
    } while (pageToken);
    return null;
  }

  private async call<T>(method: string, path: string, payload?: object, renewed = false): Promise<T> {
    const token = await this.accessToken();
    const response = await this.send(`${this.apiBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    // A token revoked or ended early: one new token, one more try.
    if (response.status === 401 && !renewed) {
      this.token = undefined;
      return this.call(method, path, payload, true);
    }
    return answer<T>(response);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const { accountId, clientId, clientSecret } = this.settings;
    const response = await this.send(`${this.oauthBase}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'account_credentials', account_id: accountId }).toString(),
    });
    const { access_token: value, expires_in: seconds } = await answer<{ access_token: string; expires_in: number }>(
      response,
    );
    this.token = { value, expiresAt: Date.now() + seconds * 1000 - TOKEN_MARGIN_MS };
    return value;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new ZoomError(
        null,
        timedOut
          ? `Zoom gave no answer within ${this.settings.timeoutMs} ms`
          : `Zoom could not be reached: ${(error as Error).message}`,
      );
    }
  }
}

function body(terms: ZoomMeetingTerms): object {
  return {
    topic: terms.topic.slice(0, 200),
    agenda: terms.agenda.slice(0, 2000),
    // Zoom reads a start time in UTC when it ends with Z; `timezone` is how it shows it.
    start_time: terms.start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    duration: terms.durationMinutes,
    timezone: terms.timezone,
  };
}

function meeting(found: MeetingBody): ZoomMeeting {
  return { id: String(found.id), joinUrl: found.join_url, topic: found.topic };
}

async function answer<T>(response: Response): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ZoomError(null, `Zoom's answer was cut off: ${(error as Error).message}`);
  }
  if (!response.ok) {
    const body = (() => {
      try {
        return JSON.parse(text) as { code?: number; message?: string; reason?: string };
      } catch {
        return { message: text };
      }
    })();
    const message = body.message ?? body.reason ?? text;
    throw new ZoomError(
      response.status,
      `Zoom answered HTTP ${response.status}${body.code ? ` (code ${body.code})` : ''}: ${message.slice(0, 300)}`,
      body.code,
      response.status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) : undefined,
    );
  }
  return (text ? JSON.parse(text) : {}) as T;
}
