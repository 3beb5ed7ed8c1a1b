import type { Statement } from '../../core/sql';

/** The booking's room, replacing one that ended too early. */
export const wherebyLinked = (
  bookingId: number,
  room: { meetingId: string; roomUrl: string; endDate: Date },
  now: Date,
): Statement<never> => ({
  sql: `insert into whereby_meeting (booking_id, meeting_id, room_url, end_date, updated_at) values (?, ?, ?, ?, ?)
    on conflict (booking_id) do update set meeting_id = excluded.meeting_id, room_url = excluded.room_url, end_date = excluded.end_date, updated_at = excluded.updated_at`,
  params: [bookingId, room.meetingId, room.roomUrl, room.endDate, now],
});
