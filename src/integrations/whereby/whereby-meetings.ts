import { MeetingProvider } from '../../catalog/service.enums';
import { jobKeys } from '../../jobs';
import { IntegrationError } from '../integration-error';
import type { Meeting, MeetingApi, MeetingBooking, MeetingJobs } from '../meeting-jobs';
import type { WherebyClient, WherebyMeeting } from './whereby-client';
import { wherebyLinked } from './whereby-meetings.sql';

/** Whereby's normal rooms seat 4 people; a larger party (with its host) gets a group room. */
const NORMAL_ROOM_PEOPLE = 4;

/** A booking's row in `whereby_meeting`: its room, and when the room ends. */
interface WherebyRecord {
  meeting_id: string;
  end_date: string;
}

type WherebyBooking = MeetingBooking<WherebyRecord>;

/** A room as the job records it. */
type Room = Meeting & WherebyMeeting;

/** The whereby_meeting job's service (MeetingJobs, registered in src/integrations/registry.ts). */
export type WherebyMeetings = MeetingJobs<WherebyRecord, Room>;

/**
 * Whereby rooms of WHEREBY bookings (docs/meetings.md). Whereby rooms cannot be changed: one that ends
 * before a moved booking does is replaced (the old one deleted). Whereby has no lookup by name, so a room
 * whose create answer was lost is never used; Whereby deletes it an hour after its end.
 */
export class WherebyMeetingApi implements MeetingApi<WherebyRecord, Room> {
  readonly provider = MeetingProvider.WHEREBY;
  readonly task = 'whereby_meeting';
  readonly jobKey = jobKeys.wherebyMeeting;
  readonly table = 'whereby_meeting';

  constructor(private readonly client: WherebyClient) {}

  async create(booking: WherebyBooking): Promise<Room> {
    const room = await this.client.createMeeting({
      endDate: booking.endsAt,
      roomNamePrefix: booking.reference.toLowerCase().replace(/[^a-z0-9-]/g, ''),
      roomMode: booking.partySize + 1 > NORMAL_ROOM_PEOPLE ? 'group' : 'normal',
    });
    return { ...room, id: room.meetingId, joinUrl: room.roomUrl };
  }

  delete(meetingId: string): Promise<void> {
    return this.client.deleteMeeting(meetingId);
  }

  /** The room lasts as long as the booking. */
  fits({ recorded, endsAt }: WherebyBooking): boolean {
    return recorded !== null && new Date(recorded.end_date) >= endsAt;
  }

  record(booking: WherebyBooking, room: Room, now: Date) {
    return wherebyLinked(booking.id, room, now);
  }

  retryAfterSeconds(error: unknown): number | null {
    return error instanceof IntegrationError && error.kind === 'throttled' ? error.retryAfterSeconds : null;
  }
}
