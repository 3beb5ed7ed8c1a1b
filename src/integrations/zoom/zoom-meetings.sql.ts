import type { Statement } from '../../core/sql';

/**
 * Recorded before a create is sent, so that a retry knows a meeting may exist although no answer came; a
 * meeting Zoom no longer has is forgotten with it.
 */
export const zoomRequested = (bookingId: number, now: Date): Statement<never> => ({
  sql: `insert into zoom_meeting (booking_id, requested_at, updated_at) values (?, ?, ?)
    on conflict (booking_id) do update set requested_at = excluded.requested_at, meeting_id = null, updated_at = excluded.updated_at`,
  params: [bookingId, now, now],
});

/** The meeting as Zoom has it; an empty `joinUrl` (a meeting moved) keeps the link recorded. */
export const zoomLinked = (
  bookingId: number,
  meeting: { id: string; joinUrl: string },
  terms: { start: Date; durationMinutes: number; topic: string },
  now: Date,
): Statement<never> => ({
  sql: `update zoom_meeting set meeting_id = ?, join_url = coalesce(nullif(?, ''), join_url), starts_at = ?, duration_minutes = ?, topic = ?, updated_at = ?
    where booking_id = ?`,
  params: [meeting.id, meeting.joinUrl, terms.start, terms.durationMinutes, terms.topic.slice(0, 200), now, bookingId],
});
