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

/** A busy interval read from an account's calendars. */
export interface BusyPeriod {
  start: Date;
  end: Date;
}

/**
 * What the provider-independent sync (calendar-sync.ts) asks of a calendar service for one connected
 * account, whose adapter (google-client.ts) keeps that service's rules: its limits, its errors, its ids.
 */
export interface CalendarApi {
  /** Writes the event under its own id (a repeat updates it); answers the id and a conference link the service made. */
  putEvent(
    refreshToken: string,
    calendarId: string,
    event: CalendarEvent,
  ): Promise<{ id: string; meetingUrl: string | null }>;
  /** Deletes an event; one already gone is fine, a calendar gone is not. */
  deleteEvent(refreshToken: string, calendarId: string, eventId: string): Promise<void>;
  /** The events of the dedicated calendar ending after `from`. */
  listEvents(refreshToken: string, calendarId: string, from: Date): Promise<StoredEvent[]>;
  /** Busy times in [from, to) of the account's calendars other than the dedicated one. */
  busy(
    refreshToken: string,
    dedicatedCalendarId: string | null | undefined,
    from: Date,
    to: Date,
  ): Promise<BusyPeriod[]>;
  /** Revokes the grant; one the service no longer knows is fine. */
  revoke(refreshToken: string): Promise<void>;
  /** Reads a failed call. */
  failure(error: unknown): CalendarFailure;
}
