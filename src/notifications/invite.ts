import { ICalCalendarMethod, ICalEventStatus, default as ical, type ICalCalendar } from 'ical-generator';

/** The iCalendar UID of a booking, the same in every invite and feed, so that calendars update one event. */
export function bookingUid(reference: string): string {
  return `${reference}@booking-calendar-api`;
}

/** A booking as one iCalendar event, as both the email invites and the ICS feeds write it. */
export interface BookingEventDetails {
  reference: string;
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
    id: bookingUid(details.reference),
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
  const calendar = ical({ prodId: PRODUCT_ID, method: details.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST });
  // Times are written in UTC; the service's zone is named for clients that show wall time.
  calendar.x('X-WR-TIMEZONE', details.timezone);
  addBookingEvent(calendar, details).organizer(details.organizer).attendees([{ ...details.attendee, rsvp: false }]);
  return calendar.toString();
}
