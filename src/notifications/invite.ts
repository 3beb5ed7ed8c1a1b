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
  // Times are written in UTC; the service's zone is named for clients that show wall time.
  calendar.x('X-WR-TIMEZONE', details.timezone);
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
  return calendar.toString();
}
