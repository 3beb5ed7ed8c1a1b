import type { User } from '../accounts/user.entity';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { bookingRuns, runLabel } from '../booking/booking-runs';
import { guestLines } from '../booking/guest-lines';
import type { Service } from '../catalog/service.entity';
import { MeetingProvider } from '../catalog/service.enums';
import type { CalendarKind } from './calendar-api';

/** The calendar service whose event makes a booking's meeting (a Meet, a Teams meeting), for the meeting providers that are one. */
export const CONFERENCE_KIND: Partial<Record<MeetingProvider, CalendarKind>> = {
  [MeetingProvider.GOOGLE_MEET]: 'google',
  [MeetingProvider.MICROSOFT_TEAMS]: 'microsoft',
};

/**
 * A booking's events as any calendar service holds them (the adapters translate): one per
 * run of the booking's consecutive slots, so that the gap between separate sessions stays free.
 */
export interface CalendarEvent {
  /** Derived from the booking and the run, so that a repeated insert hits the same event. */
  id: string;
  title: string;
  description: string;
  start: Date;
  end: Date;
  /** The service's zone, for how calendar apps show it. */
  timezone: string;
  /** Ask the calendar service for its video conference (Google Meet, Teams): on the first run only, whose link the booking keeps. */
  conference: boolean;
  /** The booking's reference and the provider's link to its page. */
  source: { title: string; url: string };
}

/** An event as read back from a calendar, for comparing with what it should be. */
export interface StoredEvent {
  id: string;
  cancelled: boolean;
  start: Date | null;
  end: Date | null;
  title: string;
  description: string;
  hasConference: boolean;
}

/** Bookings that have events: confirmed ones and those that took place; the rest have none. */
const WITH_EVENT = new Set([BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]);

export function hasEvent(status: BookingStatus): boolean {
  return WITH_EVENT.has(status);
}

const EVENT_ID_PREFIX = 'booking';

/**
 * The event id of a booking's run in every dedicated calendar: `booking<id>` for the first run, then
 * `booking<id>s<rank>`. Only a-v and 0-9, 5 to 1024 long, as Google's event ids must be.
 */
export function eventIdOf(bookingId: number, run = 0): string {
  return `${EVENT_ID_PREFIX}${bookingId}${run > 0 ? `s${run + 1}` : ''}`;
}

/** The booking an event id of ours names, or null for an event someone else made. */
export function bookingIdOfEvent(eventId: string | null | undefined): number | null {
  const match = /^booking([1-9][0-9]{0,9})(?:s[1-9][0-9]{0,2})?$/.exec(eventId ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * The events a live booking should have in a calendar of `kind` (its slots loaded), with the provider's own
 * `link` to its page. The provider's calendar says who booked, whom for, and what the party needs (diet,
 * accessibility). The first event in a calendar of the service that makes the booking's meeting is that
 * meeting; every other event writes the link out.
 */
export function bookingEvents(
  booking: Booking,
  service: Service,
  customer: User,
  link: string,
  kind: CalendarKind,
): CalendarEvent[] {
  const meet = booking.meetingProvider != null && CONFERENCE_KIND[booking.meetingProvider] === kind;
  const runs = bookingRuns(booking);
  return runs.map(({ startsAt, endsAt }, run) => ({
    id: eventIdOf(booking.id, run),
    title: `${service.name}: ${customer.name} (${booking.reference}${runLabel(run, runs.length)})`,
    description: [
      `Booking ${booking.reference} for ${customer.name} <${customer.email}>, party of ${booking.partySize}.`,
      ...guestLines(booking),
      ...(booking.notes ? [`Notes: ${booking.notes}`] : []),
      // A Meet or Teams link is the first event's own conference; other links (and that one on later runs) are written out.
      ...(booking.meetingUrl && !(meet && run === 0) ? [`Meeting: ${booking.meetingUrl}`] : []),
      link,
    ].join('\n'),
    start: startsAt,
    end: endsAt,
    timezone: service.timezone,
    conference: meet && run === 0,
    source: { title: booking.reference, url: link },
  }));
}

/** Whether the event in the calendar differs from what it should be (times, title, text, cancelled, its conference). */
export function differs(found: StoredEvent, wanted: CalendarEvent): boolean {
  return (
    found.cancelled ||
    found.start?.getTime() !== wanted.start.getTime() ||
    found.end?.getTime() !== wanted.end.getTime() ||
    found.title !== wanted.title ||
    found.description !== wanted.description ||
    (wanted.conference && !found.hasConference)
  );
}
