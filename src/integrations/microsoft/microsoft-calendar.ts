import { IntegrationError } from '../integration-error';
import { isPersonalTenant, type MicrosoftSettings, type TokenCacheStore } from './microsoft-auth';
import { graphFailure, MicrosoftClient, type MicrosoftGraph } from './microsoft-graph';
import type { BusyPeriod, CalendarAccount, CalendarFailure } from '../../calendars/calendar-api';
import type {
  CalendarAdapter,
  CalendarConnector,
  DedicatedCalendar,
  ExchangedAccount,
} from '../../calendars/calendar-connector';
import type { CalendarEvent, StoredEvent } from '../../calendars/calendar-event';

/** How far ahead a resync reads the dedicated calendar (calendarView needs an end; bookings are taken at most this far ahead in practice). */
const LIST_AHEAD_MS = 5 * 365 * 86_400_000;

/** Reads a failed Microsoft call (MSAL's or Graph's, as IntegrationError) in the sync's terms. */
export function microsoftFailure(error: unknown): CalendarFailure {
  const failure = error instanceof IntegrationError ? error : graphFailure(error);
  switch (failure.kind) {
    case 'reconnect':
      return { kind: 'grant', message: failure.message };
    case 'gone':
      return { kind: 'gone', message: 'The dedicated calendar no longer exists in the Microsoft account' };
    case 'throttled':
      return {
        kind: 'retry',
        message: failure.message,
        ...(failure.retryAfterSeconds ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
      };
    default:
      // A 400 or 403 says the request itself is refused: asking again the same way cannot help.
      return failure.status === 400 || failure.status === 403
        ? { kind: 'refused', message: failure.message }
        : { kind: 'retry', message: failure.message };
  }
}

/** Whether the account of an MSAL token cache is a personal Microsoft account (its tenant), which getSchedule does not serve. */
function personal(tokenCache: string): boolean {
  const accounts = Object.values(
    (JSON.parse(tokenCache) as { Account?: Record<string, { realm?: string }> }).Account ?? {},
  );
  return accounts.some((account) => isPersonalTenant(account.realm ?? ''));
}

/**
 * Microsoft 365 calendars (Outlook, Exchange Online) for the provider-independent sync, through MSAL and
 * Microsoft Graph (integrations/microsoft). A connection's secret is its MSAL token cache: each call
 * loads it, and a cache MSAL changed (a new access token, a rotated refresh token) is saved back sealed.
 * Events are found by our event id, kept on each as a single-value extended property.
 */
export class MicrosoftCalendar implements CalendarConnector {
  private readonly client: MicrosoftClient;

  constructor(
    readonly settings: MicrosoftSettings,
    private readonly redirectUri: string,
  ) {
    this.client = new MicrosoftClient(settings);
  }

  private graph(account: CalendarAccount): MicrosoftGraph {
    const store: TokenCacheStore = {
      load: async () => account.secret,
      save: (serialized) => account.save(serialized),
    };
    return this.client.graph(store);
  }

  /** Microsoft's sign-in and consent page for the OAuth flow's state and PKCE challenge. */
  consentUrl(state: string, codeChallenge: string): Promise<string> {
    return this.client.consentUrl(this.redirectUri, state, codeChallenge);
  }

  /** Redeems the callback's code (with its PKCE verifier): the account's address and its token cache (the secret). */
  async exchange(code: string, codeVerifier: string): Promise<ExchangedAccount> {
    const { account, tokenCache } = await this.client.connect(code, codeVerifier, this.redirectUri);
    return { email: account.email, secret: tokenCache };
  }

  calendarExists(account: CalendarAccount, calendarId: string): Promise<boolean> {
    return this.graph(account).calendarExists(calendarId);
  }

  /**
   * Makes the dedicated calendar (or adopts the account's calendar of that name, which Graph allows once);
   * this adapter shares no calendar, so it is shared with nobody.
   */
  async createCalendar(
    account: CalendarAccount,
    { name }: DedicatedCalendar,
  ): Promise<{ id: string; sharedWith: string[] }> {
    return { id: (await this.graph(account).createCalendar(name)).id, sharedWith: [] };
  }

  async putEvent(
    account: CalendarAccount,
    calendarId: string,
    event: CalendarEvent,
  ): Promise<{ id: string; meetingUrl: string | null }> {
    const written = await this.graph(account).putEvent(calendarId, event.id, {
      subject: event.title,
      body: event.description,
      start: event.start,
      end: event.end,
      teams: event.conference,
    });
    return { id: event.id, meetingUrl: written.joinUrl };
  }

  deleteEvent(account: CalendarAccount, calendarId: string, eventId: string): Promise<void> {
    return this.graph(account).deleteEvent(calendarId, eventId);
  }

  /** The events of the dedicated calendar ending after `from`, by our ids (an event made by hand keeps Graph's). */
  async listEvents(account: CalendarAccount, calendarId: string, from: Date): Promise<StoredEvent[]> {
    const events = await this.graph(account).listEvents(calendarId, from, new Date(from.getTime() + LIST_AHEAD_MS));
    return events.map((event) => ({
      id: event.key ?? event.id,
      cancelled: false,
      start: event.start,
      end: event.end,
      title: event.subject,
      description: event.body,
      hasConference: event.joinUrl !== null,
    }));
  }

  /** Busy times of the account's main calendar (what Outlook publishes as free/busy; the dedicated calendar never counts). */
  busy(account: CalendarAccount, _dedicated: string | null | undefined, from: Date, to: Date): Promise<BusyPeriod[]> {
    return this.graph(account).busy({ email: account.email, personal: personal(account.secret) }, from, to);
  }

  /**
   * Nothing to call: Microsoft has no endpoint revoking one app's refresh token for a user (the user removes
   * the app's access in their account); the token cache is forgotten by the caller.
   */
  async revoke(): Promise<void> {}

  failure(error: unknown): CalendarFailure {
    return microsoftFailure(error);
  }
}

/** Microsoft 365 calendars, as the registry (src/integrations/registry.ts) adds them. */
export const microsoftCalendar: CalendarAdapter<MicrosoftSettings> = {
  kind: 'microsoft',
  names: {
    calendar: 'Microsoft 365 calendar',
    company: 'Microsoft',
    setting: 'MICROSOFT_CLIENT_ID',
    connect: 'connectMicrosoftCalendar',
  },
  connector: (settings, redirectUri) => new MicrosoftCalendar(settings, redirectUri),
};
