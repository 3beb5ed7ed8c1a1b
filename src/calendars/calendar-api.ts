import type { CalendarEvent, StoredEvent } from './calendar-event';

/**
 * Why a call to a calendar service failed, in the sync's terms: the account's grant is gone (the provider
 * must reconnect), the dedicated calendar is gone, the service refused the request for good (asking again
 * the same way cannot help), or try again later (after `retryAfterSeconds` when the service said so).
 */
export type CalendarFailure = {
  kind: 'grant' | 'gone' | 'refused' | 'retry';
  message: string;
  retryAfterSeconds?: number;
};

/** A calendar service by the `kind` of its connections and routes (`google`, `microsoft`), as its adapter names it. */
export type CalendarKind = string;

/** A connected account, as an adapter needs it for a call. */
export interface CalendarAccount {
  /** What is sealed at rest for it: Google's refresh token, Microsoft's MSAL token cache. */
  secret: string;
  email: string;
  /** Stores a secret the service replaced (MSAL's cache with a new access token or a rotated refresh token), sealed. */
  save(secret: string): Promise<void>;
}

/** A busy interval read from an account's calendars. */
export interface BusyPeriod {
  start: Date;
  end: Date;
}

/**
 * What the provider-independent sync (calendar-sync.ts) asks of a calendar service for one connected
 * account, whose adapter (google-client.ts, microsoft-calendar.ts) keeps that service's rules: its limits, its errors, its ids.
 */
export interface CalendarApi {
  /** Writes the event under its own id (a repeat updates it); answers the id and a conference link the service made. */
  putEvent(
    account: CalendarAccount,
    calendarId: string,
    event: CalendarEvent,
  ): Promise<{ id: string; meetingUrl: string | null }>;
  /** Deletes an event; one already gone is fine, a calendar gone is not. */
  deleteEvent(account: CalendarAccount, calendarId: string, eventId: string): Promise<void>;
  /** The events of the dedicated calendar ending after `from`. */
  listEvents(account: CalendarAccount, calendarId: string, from: Date): Promise<StoredEvent[]>;
  /** Busy times in [from, to) of the account's calendars other than the dedicated one. */
  busy(
    account: CalendarAccount,
    dedicatedCalendarId: string | null | undefined,
    from: Date,
    to: Date,
  ): Promise<BusyPeriod[]>;
  /** Revokes the grant; one the service no longer knows is fine. */
  revoke(account: CalendarAccount): Promise<void>;
  /** Reads a failed call. */
  failure(error: unknown): CalendarFailure;
}
