import { ICalCalendarMethod, ICalEventStatus, default as ical } from 'ical-generator';

export interface InviteDetails {
  uid: string;
  sequence: number;
  cancelled: boolean;
  start: Date;
  end: Date;
  timezone: string;
  summary: string;
  description: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  url?: string | null;
}

/** An iCalendar invite: one UID per booking, SEQUENCE rising with each change, METHOD:CANCEL on cancel. */
export function invite(details: InviteDetails): string {
  const calendar = ical({
    prodId: { company: 'booking-calendar-api', product: 'bookings', language: 'EN' },
    method: details.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: details.uid,
    sequence: details.sequence,
    start: details.start,
    end: details.end,
    summary: details.summary,
    description: details.description,
    status: details.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: details.organizer,
    attendees: [{ ...details.attendee, rsvp: false }],
    url: details.url ?? undefined,
  });
  return withZoneHeader(calendar.toString(), details.timezone);
}

/**
 * Times are written in UTC; the service's zone is named for clients that show wall time. X-WR-TIMEZONE is
 * a calendar property that clients read before the events, but ical-generator writes its x-properties
 * after them (and its `timezone` option would write floating local times instead of UTC), so the line is
 * put after the calendar's own properties here.
 */
function withZoneHeader(text: string, zone: string): string {
  return text.replace('BEGIN:VEVENT\r\n', `X-WR-TIMEZONE:${zone}\r\nBEGIN:VEVENT\r\n`);
}
