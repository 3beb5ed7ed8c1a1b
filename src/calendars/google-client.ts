import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { oauth2 } from '@googleapis/oauth2';

/** GOOGLE_CLIENT_ID / _SECRET, GOOGLE_API_URL (every Google call goes there when set), the call timeout, CALENDAR_TOKEN_KEY. */
export interface GoogleSettings {
  clientId: string;
  clientSecret: string;
  apiUrl?: string;
  timeoutMs: number;
  /** Comma-separated passphrases, the newest first, that seal refresh tokens at rest. */
  tokenKey: string;
}

const SCOPES = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/userinfo.email'];

/** An event as the server writes it to a dedicated calendar. */
export type EventBody = calendar_v3.Schema$Event & { id: string };

/** Why a call failed: the grant is gone, the calendar is gone, or try again (after `retryAfterSeconds` when Google said so). */
export type GoogleFailure = { kind: 'grant' | 'gone' | 'retry'; message: string; retryAfterSeconds?: number };

interface ErrorShape {
  message?: string;
  status?: number;
  response?: {
    status?: number;
    data?: unknown;
    headers?: { get?(name: string): string | null } | Record<string, string>;
  };
}

function header(error: ErrorShape, name: string): string | undefined {
  const headers = error.response?.headers;
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Reads a failed googleapis / google-auth-library call. */
export function googleFailure(error: unknown): GoogleFailure {
  const shape = error as ErrorShape;
  const status = shape.response?.status ?? shape.status;
  const data = shape.response?.data as { error?: unknown; error_description?: string } | undefined;
  const message = (shape.message ?? String(error)).slice(0, 500);
  if (data?.error === 'invalid_grant')
    return { kind: 'grant', message: `Google refused the grant (invalid_grant): reconnect the account` };
  if (status === 404 || status === 410)
    return { kind: 'gone', message: 'The dedicated calendar no longer exists in the Google account' };
  const retryAfter = Number(header(shape, 'retry-after'));
  return {
    kind: 'retry',
    message: status ? `Google answered ${status}: ${message}` : message,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}

const statusOf = (error: unknown) => (error as ErrorShape).response?.status ?? (error as ErrorShape).status;

/**
 * Every call the server makes to Google, through the official clients. With GOOGLE_API_URL set, the OAuth
 * endpoints (consent, token, revoke), userinfo and Calendar v3 all go to that base URL. Calls are not
 * retried here: the jobs that make them retry with their own backoff.
 */
export class GoogleApi {
  private readonly base?: string;

  constructor(
    private readonly settings: GoogleSettings,
    private readonly redirectUri: string,
  ) {
    this.base = settings.apiUrl?.replace(/\/+$/, '');
  }

  private client(refreshToken?: string) {
    const client = new auth.OAuth2({
      clientId: this.settings.clientId,
      clientSecret: this.settings.clientSecret,
      redirectUri: this.redirectUri,
      transporterOptions: { timeout: this.settings.timeoutMs, fetchImplementation: fetch },
      ...(this.base
        ? {
            endpoints: {
              oauth2AuthBaseUrl: `${this.base}/o/oauth2/v2/auth`,
              oauth2TokenUrl: `${this.base}/token`,
              oauth2RevokeUrl: `${this.base}/revoke`,
              tokenInfoUrl: `${this.base}/tokeninfo`,
            },
          }
        : {}),
    });
    if (refreshToken) client.setCredentials({ refresh_token: refreshToken });
    return client;
  }

  private options(refreshToken?: string) {
    // Node's own fetch: gaxios would otherwise import node-fetch on first use.
    return {
      auth: this.client(refreshToken),
      timeout: this.settings.timeoutMs,
      retry: false,
      fetchImplementation: fetch,
      ...(this.base ? { rootUrl: `${this.base}/` } : {}),
    };
  }

  private calendar(refreshToken: string): calendar_v3.Calendar {
    return calendar({ version: 'v3', ...this.options(refreshToken) });
  }

  /**
   * Google's consent page: offline access (a refresh token), asked again each time so one is always given,
   * with a PKCE challenge (S256) that only the verifier `exchange` is given answers.
   */
  consentUrl(state: string, codeChallenge: string): string {
    const url = new URL(
      this.client().generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: SCOPES,
        state,
        include_granted_scopes: true,
      }),
    );
    // Set here rather than through generateAuthUrl, whose typing wants google-auth-library's own enum.
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /** Trades the callback's code (with its PKCE verifier) for the account's refresh token and reads the account's address. */
  async exchange(code: string, codeVerifier: string): Promise<{ refreshToken: string; email: string }> {
    const client = this.client();
    const { tokens } = await client.getToken({ code, codeVerifier });
    if (!tokens.refresh_token) throw new Error('Google gave no refresh token');
    client.setCredentials(tokens);
    const { data } = await oauth2({ version: 'v2', ...this.options(), auth: client }).userinfo.get();
    if (!data.email) throw new Error('Google did not tell the account address');
    return { refreshToken: tokens.refresh_token, email: data.email.toLowerCase() };
  }

  /** Whether the calendar is still in the account: its owner may have deleted it in Google. */
  async calendarExists(refreshToken: string, calendarId: string): Promise<boolean> {
    try {
      await this.calendar(refreshToken).calendars.get({ calendarId });
      return true;
    } catch (error) {
      if (googleFailure(error).kind === 'gone') return false;
      throw error;
    }
  }

  /** Makes the dedicated calendar and shares it (role writer) with each address. */
  async createCalendar(refreshToken: string, summary: string, timeZone: string, shareWith: string[]): Promise<string> {
    const api = this.calendar(refreshToken);
    const { data } = await api.calendars.insert({
      requestBody: {
        summary,
        timeZone,
        description: 'Kept in step with your bookings by the booking server; changes made here are put back.',
      },
    });
    const calendarId = data.id!;
    for (const address of shareWith) {
      await api.acl.insert({
        calendarId,
        sendNotifications: true,
        requestBody: { role: 'writer', scope: { type: 'user', value: address } },
      });
    }
    return calendarId;
  }

  /** Writes the event under its own id: a second insert (a retry after a lost answer) answers 409 and becomes an update. */
  async putEvent(refreshToken: string, calendarId: string, event: EventBody): Promise<calendar_v3.Schema$Event> {
    const api = this.calendar(refreshToken);
    const conferenceDataVersion = event.conferenceData ? 1 : 0;
    try {
      return (await api.events.insert({ calendarId, conferenceDataVersion, requestBody: event })).data;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      return (await api.events.update({ calendarId, eventId: event.id, conferenceDataVersion, requestBody: event }))
        .data;
    }
  }

  /** Deletes the event; one that is already gone is fine. */
  async deleteEvent(refreshToken: string, calendarId: string, eventId: string): Promise<void> {
    try {
      await this.calendar(refreshToken).events.delete({ calendarId, eventId, sendUpdates: 'none' });
    } catch (error) {
      if (statusOf(error) === 410) return;
      if (statusOf(error) === 404) {
        // 404 is both "no such event" and "no such calendar": only the second is a failure.
        await this.calendar(refreshToken).calendars.get({ calendarId });
        return;
      }
      throw error;
    }
  }

  /** The events of the dedicated calendar ending after `from`, every page. */
  async listEvents(refreshToken: string, calendarId: string, from: Date): Promise<calendar_v3.Schema$Event[]> {
    const api = this.calendar(refreshToken);
    const events: calendar_v3.Schema$Event[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await api.events.list({
        calendarId,
        timeMin: from.toISOString(),
        singleEvents: true,
        maxResults: 2500,
        pageToken,
      });
      events.push(...(data.items ?? []));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return events;
  }

  /** Busy times of the account's calendars other than the dedicated one, in [from, to). */
  async busy(
    refreshToken: string,
    dedicatedCalendarId: string | null | undefined,
    from: Date,
    to: Date,
  ): Promise<{ start: Date; end: Date }[]> {
    const api = this.calendar(refreshToken);
    const { data: list } = await api.calendarList.list({ minAccessRole: 'freeBusyReader', maxResults: 250 });
    const ids = (list.items ?? []).map((entry) => entry.id!).filter((id) => id && id !== dedicatedCalendarId);
    if (ids.length === 0) return [];
    const { data } = await api.freebusy.query({
      requestBody: { timeMin: from.toISOString(), timeMax: to.toISOString(), items: ids.map((id) => ({ id })) },
    });
    return Object.values(data.calendars ?? {})
      .flatMap((entry) => entry.busy ?? [])
      .map((period) => ({ start: new Date(period.start!), end: new Date(period.end!) }))
      .filter((period) => period.end > period.start);
  }

  /** Revokes the grant at Google. */
  async revoke(refreshToken: string): Promise<void> {
    await this.client().revokeToken(refreshToken);
  }
}
