import { ICalCalendarMethod, ICalEventStatus, default as ical, type ICalCalendar } from 'ical-generator';

/**
 * The iCalendar UID of one run of a booking's consecutive slots (booking-runs.ts), the same in every invite
 * and feed, so that calendars update one event: the first run's is the booking's own, the next ones carry
 * their rank (`<reference>-2@booking-calendar-api`).
 */
export function bookingUid(reference: string, run = 0): string {
  return `${reference}${run > 0 ? `-${run + 1}` : ''}@booking-calendar-api`;
}

/** A booking as one iCalendar event, as both the email invites and the ICS feeds write it. */
export interface BookingEventDetails {
  reference: string;
  /** Which run of the booking's consecutive slots this event is (0 for the first, or only, one). */
  run: number;
  sequence: number;
  cancelled: boolean;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  url?: string | null;
  /** The meeting link, where calendar apps show it with one tap. */
  location?: string | null;
  /** When the booking last changed: DTSTAMP and LAST-MODIFIED, so that the same booking always reads the same. */
  stamp?: Date;
}

export interface InviteDetails extends BookingEventDetails {
  timezone: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
}

/** Adds a booking's event to a calendar: its UID, SEQUENCE and STATUS follow the booking. Times are written in UTC. */
export function addBookingEvent(calendar: ICalCalendar, details: BookingEventDetails) {
  return calendar.createEvent({
    id: bookingUid(details.reference, details.run),
    sequence: details.sequence,
    start: details.start,
    end: details.end,
    summary: details.summary,
    description: details.description,
    status: details.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    url: details.url ?? undefined,
    location: details.location ?? undefined,
    ...(details.stamp ? { stamp: details.stamp, lastModified: details.stamp } : {}),
  });
}

/** The PRODID of everything this server writes. */
export const PRODUCT_ID = { company: 'booking-calendar-api', product: 'bookings', language: 'EN' };

/** An iCalendar invite: one UID per booking, SEQUENCE rising with each change, METHOD:CANCEL on cancel. */
export function invite(details: InviteDetails): string {
  const calendar = ical({
    prodId: PRODUCT_ID,
    method: details.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  addBookingEvent(calendar, details)
    .organizer(details.organizer)
    .attendees([{ ...details.attendee, rsvp: false }]);
  return withZoneHeader(calendar.toString(), details.timezone);
}

/**
 * Times are written in UTC; the zone is named for clients that show wall time. X-WR-TIMEZONE is a calendar
 * property that clients read before the events, but ical-generator writes its x-properties after them (and
 * its `timezone` option would write floating local times instead of UTC), so the line is put after the
 * calendar's own properties here.
 */
export function withZoneHeader(text: string, zone: string): string {
  const at = text.indexOf('BEGIN:VEVENT\r\n');
  const end = at < 0 ? text.lastIndexOf('END:VCALENDAR') : at;
  return `${text.slice(0, end)}X-WR-TIMEZONE:${zone}\r\n${text.slice(end)}`;
}
