import { MeetingProvider } from '../../catalog/service.enums';
import { jobKeys } from '../../jobs';
import type { MeetingApi, MeetingBooking, MeetingJobs } from '../meeting-jobs';
import { type ZoomClient, ZoomError, type ZoomMeeting, type ZoomMeetingTerms } from './zoom-client';
import { zoomLinked, zoomRequested } from './zoom-meetings.sql';

/** A booking's row in `zoom_meeting`: the meeting as it was last made or moved. */
interface ZoomRecord {
  meeting_id: string | null;
  requested_at: string | null;
  starts_at: string | null;
  duration_minutes: number | null;
  topic: string | null;
}

type ZoomBooking = MeetingBooking<ZoomRecord>;

/** The zoom_meeting job's service (MeetingJobs, registered in src/integrations/registry.ts). */
export type ZoomMeetings = MeetingJobs<ZoomRecord, ZoomMeeting>;

/** How a meeting's topic ends: the booking's reference, unique, so that a meeting made by a lost call is found again. */
const marker = (reference: string) => ` (${reference})`;

function terms(booking: ZoomBooking): ZoomMeetingTerms {
  return {
    topic: `${booking.serviceName}${marker(booking.reference)}`,
    agenda: `Booking ${booking.reference} with ${booking.providerName}`,
    start: booking.startsAt,
    durationMinutes: Math.max(1, Math.round((booking.endsAt.getTime() - booking.startsAt.getTime()) / 60_000)),
    timezone: booking.timezone,
  };
}

/**
 * Zoom meetings of ZOOM bookings (docs/calendars.md, "Zoom meetings"): a meeting is moved in place when
 * its booking moves. Before a create the job records that it asked; a retry after a lost answer first
 * looks for the meeting by its topic's marker, so that it never makes a second one.
 */
export class ZoomMeetingApi implements MeetingApi<ZoomRecord, ZoomMeeting> {
  readonly provider = MeetingProvider.ZOOM;
  readonly task = 'zoom_meeting';
  readonly jobKey = jobKeys.zoomMeeting;
  readonly table = 'zoom_meeting';
  readonly lost = {
    requested: zoomRequested,
    find: (booking: ZoomBooking) => this.client.findMeeting(marker(booking.reference)),
  };

  constructor(private readonly client: ZoomClient) {}

  create(booking: ZoomBooking): Promise<ZoomMeeting> {
    return this.client.createMeeting(terms(booking));
  }

  delete(meetingId: string): Promise<void> {
    return this.client.deleteMeeting(meetingId);
  }

  async update(meetingId: string, booking: ZoomBooking): Promise<ZoomMeeting | null> {
    const wanted = terms(booking);
    try {
      await this.client.updateMeeting(meetingId, wanted);
    } catch (error) {
      if (error instanceof ZoomError && error.gone) return null; // deleted in Zoom
      throw error;
    }
    return { id: meetingId, joinUrl: '', topic: wanted.topic };
  }

  fits(booking: ZoomBooking): boolean {
    const { recorded } = booking;
    const wanted = terms(booking);
    return (
      recorded?.starts_at != null &&
      new Date(recorded.starts_at).getTime() === wanted.start.getTime() &&
      recorded.duration_minutes === wanted.durationMinutes &&
      recorded.topic === wanted.topic
    );
  }

  record(booking: ZoomBooking, meeting: ZoomMeeting, now: Date) {
    return zoomLinked(booking.id, meeting, terms(booking), now);
  }

  /** Zoom's rate limits (429) are waited out as its Retry-After says (the next second, or the next day for a daily limit). */
  retryAfterSeconds(error: unknown): number | null {
    return error instanceof ZoomError && error.status === 429 ? (error.retryAfterSeconds ?? null) : null;
  }
}
