import type { calendar_v3 } from '@googleapis/calendar';
import type { User } from '../accounts/user.entity';
import type { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import type { Service } from '../catalog/service.entity';
import { MeetingProvider } from '../catalog/service.enums';
import type { EventBody } from './google-client';

/** Bookings that have an event: confirmed ones and those that took place; the rest have none. */
const WITH_EVENT = new Set([BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]);

export function hasEvent(status: BookingStatus): boolean {
  return WITH_EVENT.has(status);
}

const EVENT_ID_PREFIX = 'booking';

/**
 * The event id of a booking in every dedicated calendar. Google event ids use the characters a-v and 0-9
 * (base32hex) and are 5 to 1024 long; being derived from the booking, a repeated insert (a retry after a
 * lost answer) hits the same event instead of making a second one.
 */
export function eventIdOf(bookingId: number): string {
  return `${EVENT_ID_PREFIX}${bookingId}`;
}

/** The booking an event id of ours names, or null for an event someone else made. */
export function bookingIdOfEvent(eventId: string | null | undefined): number | null {
  const match = /^booking([1-9][0-9]{0,9})$/.exec(eventId ?? '');
  return match ? Number(match[1]) : null;
}

/** The event a live booking should be. */
/** `link` is the provider's own link to the booking's page. */
export function eventOf(booking: Booking, service: Service, customer: User, link: string): EventBody {
  const meet = service.meetingProvider === MeetingProvider.GOOGLE_MEET;
  const description = [
    `Booking ${booking.reference} for ${customer.name} <${customer.email}>, party of ${booking.partySize}.`,
    ...(booking.notes ? [`Notes: ${booking.notes}`] : []),
    // A Meet link is the event's own conference; other links are written out.
    ...(booking.meetingUrl && !meet ? [`Meeting: ${booking.meetingUrl}`] : []),
    link,
  ].join('\n');
  return {
    id: eventIdOf(booking.id),
    summary: `${service.name}: ${customer.name} (${booking.reference})`,
    description,
    start: { dateTime: booking.startsAt.toISOString(), timeZone: service.timezone },
    end: { dateTime: booking.endsAt.toISOString(), timeZone: service.timezone },
    status: 'confirmed',
    source: { title: booking.reference, url: link },
    ...(meet
      ? {
          conferenceData: {
            createRequest: { requestId: booking.reference, conferenceSolutionKey: { type: 'hangoutsMeet' } },
          },
        }
      : {}),
  };
}

const instant = (time: calendar_v3.Schema$EventDateTime | undefined) =>
  time?.dateTime ? new Date(time.dateTime).getTime() : NaN;

/** Whether the event in the calendar differs from what the booking says it should be (times, title, text, cancelled). */
export function differs(found: calendar_v3.Schema$Event, wanted: EventBody): boolean {
  return (
    found.status === 'cancelled' ||
    instant(found.start) !== instant(wanted.start) ||
    instant(found.end) !== instant(wanted.end) ||
    found.summary !== wanted.summary ||
    (found.description ?? '') !== wanted.description ||
    (wanted.conferenceData !== undefined && !found.hangoutLink && !found.conferenceData)
  );
}

/** The Meet link of an event, when Google made one. */
export function meetLinkOf(event: calendar_v3.Schema$Event): string | null {
  const video = event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video');
  return video?.uri ?? event.hangoutLink ?? null;
}
