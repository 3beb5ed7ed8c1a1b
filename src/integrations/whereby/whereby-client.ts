import { IntegrationError, retryAfterSeconds } from '../integration-error';

/** WHEREBY_API_KEY (from the Embedded dashboard), WHEREBY_API_URL (tests: a local server), the call timeout. */
export interface WherebySettings {
  apiKey: string;
  apiUrl: string;
  timeoutMs: number;
}

export const WHEREBY_DEFAULTS = { apiUrl: 'https://api.whereby.dev/v1', timeoutMs: 15_000 };

/** A Whereby room: the link for participants, and the host's (who can lock the room and let people in). */
export interface WherebyMeeting {
  meetingId: string;
  roomUrl: string;
  hostRoomUrl: string;
  /** The room is deleted by Whereby an hour after this. */
  endDate: Date;
}

export interface WherebyRoomTerms {
  /** When the meeting ends; it must not be in the past. */
  endDate: Date;
  /** Lowercase letters, digits and dashes, at most 39: the start of the room's name. */
  roomNamePrefix?: string;
  /** `group` for more than 4 participants. */
  roomMode?: 'normal' | 'group';
  /** Only hosts let participants in. */
  isLocked?: boolean;
}

interface MeetingBody {
  meetingId: string;
  roomUrl: string;
  hostRoomUrl?: string;
  endDate: string;
}

/**
 * Whereby's REST API over fetch (Whereby ships no Node SDK for it). Whereby takes no idempotency key and
 * rooms cannot be changed: a booking that moves past its room's end gets a new room, and a room whose
 * create answer was lost is simply never used (Whereby deletes it an hour after its end date).
 */
export class WherebyClient {
  constructor(private readonly settings: WherebySettings) {}

  async createMeeting(terms: WherebyRoomTerms): Promise<WherebyMeeting> {
    const body = await this.call<MeetingBody>('POST', '/meetings', {
      endDate: terms.endDate.toISOString(),
      roomMode: terms.roomMode ?? 'normal',
      isLocked: terms.isLocked ?? false,
      ...(terms.roomNamePrefix ? { roomNamePrefix: terms.roomNamePrefix } : {}),
      fields: ['hostRoomUrl'],
    });
    return meeting(body);
  }

  /** The meeting, or null once it was deleted (by us, or by Whereby an hour after its end). */
  async getMeeting(meetingId: string): Promise<WherebyMeeting | null> {
    try {
      return meeting(
        await this.call<MeetingBody>('GET', `/meetings/${encodeURIComponent(meetingId)}?fields=hostRoomUrl`),
      );
    } catch (error) {
      if (error instanceof IntegrationError && error.kind === 'gone') return null;
      throw error;
    }
  }

  /** Deletes the meeting; one that is already gone counts as deleted. */
  async deleteMeeting(meetingId: string): Promise<void> {
    try {
      await this.call('DELETE', `/meetings/${encodeURIComponent(meetingId)}`);
    } catch (error) {
      if (!(error instanceof IntegrationError && error.kind === 'gone')) throw error;
    }
  }

  private async call<T>(method: string, path: string, payload?: object): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.settings.apiUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.settings.apiKey}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
        body: payload ? JSON.stringify(payload) : undefined,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new IntegrationError(
        'whereby',
        'failed',
        timedOut
          ? `Whereby gave no answer within ${this.settings.timeoutMs} ms`
          : `Whereby could not be reached: ${(error as Error).message}`,
      );
    }
    if (response.ok) return (text ? JSON.parse(text) : {}) as T;
    throw refusal(response, text);
  }
}

/** Whereby's refusal as an IntegrationError: a room gone, a call throttled (with its Retry-After) or failed. */
function refusal(response: Response, text: string): IntegrationError {
  const { status } = response;
  const kind = status === 404 || status === 410 ? 'gone' : status === 429 ? 'throttled' : 'failed';
  return new IntegrationError(
    'whereby',
    kind,
    `Whereby answered ${status}: ${reasonOf(text)}`.slice(0, 300),
    status,
    null,
    retryAfterSeconds(response.headers.get('retry-after')),
  );
}

/** Why Whereby refused, from its answer's `error` or `message` when it is JSON, else the answer as it is. */
function reasonOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: string; message?: string };
    return parsed.error ?? parsed.message ?? text;
  } catch {
    return text;
  }
}

function meeting(body: MeetingBody): WherebyMeeting {
  return {
    meetingId: body.meetingId,
    roomUrl: body.roomUrl,
    hostRoomUrl: body.hostRoomUrl ?? body.roomUrl,
    endDate: new Date(body.endDate),
  };
}
