import type { calendar_v3 } from '@googleapis/calendar';
import type { CalendarEvent, StoredEvent } from '../../calendars/calendar-event';

/** An event as the server writes it to a dedicated Google calendar. */
export type GoogleEventBody = calendar_v3.Schema$Event & { id: string };

/** A booking's event in Google's words: a Meet conference asked for by the booking's reference when wanted. */
export function googleEventBody(event: CalendarEvent): GoogleEventBody {
  return {
    id: event.id,
    summary: event.title,
    description: event.description,
    start: { dateTime: event.start.toISOString(), timeZone: event.timezone },
    end: { dateTime: event.end.toISOString(), timeZone: event.timezone },
    status: 'confirmed',
    source: event.source,
    ...(event.conference
      ? {
          conferenceData: {
            createRequest: { requestId: event.source.title, conferenceSolutionKey: { type: 'hangoutsMeet' } },
          },
        }
      : {}),
  };
}

const instant = (time: calendar_v3.Schema$EventDateTime | undefined) =>
  time?.dateTime ? new Date(time.dateTime) : null;

/** An event read from Google, for comparing with what it should be. */
export function storedEvent(event: calendar_v3.Schema$Event): StoredEvent {
  return {
    id: event.id ?? '',
    cancelled: event.status === 'cancelled',
    start: instant(event.start),
    end: instant(event.end),
    title: event.summary ?? '',
    description: event.description ?? '',
    hasConference: Boolean(event.hangoutLink || event.conferenceData),
  };
}

/** The Meet link of an event, when Google made one. */
export function meetLinkOf(event: calendar_v3.Schema$Event): string | null {
  const video = event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video');
  return video?.uri ?? event.hangoutLink ?? null;
}
