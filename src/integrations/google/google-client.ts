import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { oauth2 } from '@googleapis/oauth2';
import { retryAfterSeconds } from '../../core/retry-after';
import type { BusyPeriod, CalendarAccount, CalendarFailure } from '../../calendars/calendar-api';
import type {
  CalendarAdapter,
  CalendarConnector,
  DedicatedCalendar,
  ExchangedAccount,
} from '../../calendars/calendar-connector';
import type { CalendarEvent, StoredEvent } from '../../calendars/calendar-event';
import { googleEventBody, meetLinkOf, storedEvent } from './google-event';

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

/**
 * 403 reasons Google documents as limits to wait out with exponential backoff (rateLimitExceeded,
 * userRateLimitExceeded, the project's dailyLimitExceeded and the Calendar usage limits' quotaExceeded);
 * any other 403 is a refusal that asking again cannot change.
 */
const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'dailyLimitExceeded',
  'quotaExceeded',
]);

/** Reads a failed googleapis / google-auth-library call (Google's "Handle API errors" guide). */
export function googleFailure(error: unknown): CalendarFailure {
  const shape = error as ErrorShape;
  const status = shape.response?.status ?? shape.status;
  const data = shape.response?.data as
    | { error?: string | { errors?: { reason?: string }[]; message?: string }; error_description?: string }
    | undefined;
  if (data?.error === 'invalid_grant')
    return { kind: 'grant', message: `Google refused the grant (invalid_grant): reconnect the account` };
  const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined;
  const message = `${status ? `Google answered ${status}${reason ? ` (${reason})` : ''}: ` : ''}${(shape.message ?? String(error)).slice(0, 500)}`;
  if (status === 404 || status === 410)
    return { kind: 'gone', message: 'The dedicated calendar no longer exists in the Google account' };
  const retryAfter = retryAfterSeconds(header(shape, 'retry-after'));
  const later = { kind: 'retry' as const, message, ...(retryAfter ? { retryAfterSeconds: retryAfter } : {}) };
  if (status === undefined || status >= 500 || status === 429 || status === 401 || status === 409 || status === 412)
    return later;
  if (status === 403 && reason && RATE_LIMIT_REASONS.has(reason)) return later;
  return { kind: 'refused', message };
}

const statusOf = (error: unknown) => (error as ErrorShape).response?.status ?? (error as ErrorShape).status;

/** Google refuses free/busy ranges that are too long (400 timeRangeTooLong, the limit undocumented; 60 days are safe). */
export const FREE_BUSY_WINDOW_MS = 60 * 86_400_000;
/** The most calendars one free/busy call may name (calendarExpansionMax). */
const FREE_BUSY_CALENDARS = 50;
/** The largest page of the calendar list. */
const CALENDAR_LIST_PAGE = 250;

/**
 * Every call the server makes to Google, through the official clients. With GOOGLE_API_URL set, the OAuth
 * endpoints (consent, token, revoke), userinfo and Calendar v3 all go to that base URL. Calls are not
 * retried here: the jobs that make them retry with their own backoff.
 */
export class GoogleApi implements CalendarConnector {
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

  /** Trades the callback's code (with its PKCE verifier) for the account's refresh token (its secret) and reads the account's address. */
  async exchange(code: string, codeVerifier: string): Promise<ExchangedAccount> {
    const client = this.client();
    const { tokens } = await client.getToken({ code, codeVerifier });
    if (!tokens.refresh_token) throw new Error('Google gave no refresh token');
    client.setCredentials(tokens);
    const { data } = await oauth2({ version: 'v2', ...this.options(), auth: client }).userinfo.get();
    if (!data.email) throw new Error('Google did not tell the account address');
    return { secret: tokens.refresh_token, email: data.email.toLowerCase() };
  }

  /** Whether the calendar is still in the account: its owner may have deleted it in Google. */
  async calendarExists(account: CalendarAccount, calendarId: string): Promise<boolean> {
    try {
      await this.calendar(account.secret).calendars.get({ calendarId });
      return true;
    } catch (error) {
      if (googleFailure(error).kind === 'gone') return false;
      throw error;
    }
  }

  /** Makes the dedicated calendar and shares it (role writer) with each address. */
  async createCalendar(
    account: CalendarAccount,
    { name, timezone, shareWith }: DedicatedCalendar,
  ): Promise<{ id: string; sharedWith: string[] }> {
    const api = this.calendar(account.secret);
    const { data } = await api.calendars.insert({
      requestBody: {
        summary: name,
        timeZone: timezone,
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
    return { id: calendarId, sharedWith: shareWith };
  }

  /** Writes the event under its own id: a second insert (a retry after a lost answer) answers 409 and becomes an update. */
  async putEvent(
    account: CalendarAccount,
    calendarId: string,
    event: CalendarEvent,
  ): Promise<{ id: string; meetingUrl: string | null }> {
    const api = this.calendar(account.secret);
    const requestBody = googleEventBody(event);
    const conferenceDataVersion = requestBody.conferenceData ? 1 : 0;
    let written: calendar_v3.Schema$Event;
    try {
      written = (await api.events.insert({ calendarId, conferenceDataVersion, requestBody })).data;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      written = (await api.events.update({ calendarId, eventId: event.id, conferenceDataVersion, requestBody })).data;
    }
    return { id: written.id ?? event.id, meetingUrl: meetLinkOf(written) };
  }

  /** Deletes the event; one that is already gone (410 deleted, or 404 in a calendar that still exists) is fine. */
  async deleteEvent(account: CalendarAccount, calendarId: string, eventId: string): Promise<void> {
    const refreshToken = account.secret;
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
  async listEvents(account: CalendarAccount, calendarId: string, from: Date): Promise<StoredEvent[]> {
    const api = this.calendar(account.secret);
    const events: StoredEvent[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await api.events.list({
        calendarId,
        timeMin: from.toISOString(),
        singleEvents: true,
        maxResults: 2500,
        pageToken,
      });
      events.push(...(data.items ?? []).map(storedEvent));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return events;
  }

  /**
   * Busy times of the account's calendars other than the dedicated one, in [from, to): asked in windows of
   * at most FREE_BUSY_WINDOW_MS and groups of at most 50 calendars, as Google takes them. A calendar Google
   * could not read (its `errors` in the answer) fails the whole read: busy times are known or they are not.
   */
  async busy(
    account: CalendarAccount,
    dedicatedCalendarId: string | null | undefined,
    from: Date,
    to: Date,
  ): Promise<BusyPeriod[]> {
    const api = this.calendar(account.secret);
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await api.calendarList.list({
        minAccessRole: 'freeBusyReader',
        maxResults: CALENDAR_LIST_PAGE,
        pageToken,
      });
      ids.push(...(data.items ?? []).map((entry) => entry.id!).filter((id) => id && id !== dedicatedCalendarId));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    const periods: BusyPeriod[] = [];
    for (let group = 0; group < ids.length; group += FREE_BUSY_CALENDARS) {
      const items = ids.slice(group, group + FREE_BUSY_CALENDARS).map((id) => ({ id }));
      for (let start = from.getTime(); start < to.getTime(); start += FREE_BUSY_WINDOW_MS) {
        const end = Math.min(start + FREE_BUSY_WINDOW_MS, to.getTime());
        const { data } = await api.freebusy.query({
          requestBody: { timeMin: new Date(start).toISOString(), timeMax: new Date(end).toISOString(), items },
        });
        for (const [id, entry] of Object.entries(data.calendars ?? {})) {
          const reason = entry.errors?.[0]?.reason;
          if (reason) throw new Error(`Google could not read the busy times of ${id} (${reason})`);
          for (const period of entry.busy ?? [])
            periods.push({ start: new Date(period.start!), end: new Date(period.end!) });
        }
      }
    }
    return periods.filter((period) => period.end > period.start);
  }

  /** Revokes the grant at Google; 400 means Google no longer knows the token (revoked or expired already), which is what was wanted. */
  async revoke(account: CalendarAccount): Promise<void> {
    try {
      await this.client().revokeToken(account.secret);
    } catch (error) {
      if (statusOf(error) !== 400) throw error;
    }
  }

  failure(error: unknown): CalendarFailure {
    return googleFailure(error);
  }
}

/** Google Calendar, as the registry (src/integrations/registry.ts) adds it. */
export const googleCalendar: CalendarAdapter<GoogleSettings> = {
  kind: 'google',
  names: {
    calendar: 'Google Calendar',
    company: 'Google',
    setting: 'GOOGLE_CLIENT_ID',
    connect: 'connectGoogleCalendar',
  },
  connector: (settings, redirectUri) => new GoogleApi(settings, redirectUri),
};
