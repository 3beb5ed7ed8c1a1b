import type { StatementParts } from '../core/effects';
import { type Fragment, pgArray, raw, sql, type Statement } from '../core/sql';
import { CALENDAR_JOB_ATTEMPTS, jobKeys, type TaskName } from '../jobs';

/** (booking, connection) pairs whose syncs are to be put in step: a select of (booking_id, connection_id). */
type Pairs = Fragment;

/** The booking with each ACTIVE connection of its service's provider, but those of `exceptKind` (whose event made its meeting). */
export const bookingWithConnections = (bookingId: number, serviceId: number, exceptKind?: string): Pairs =>
  sql`select ${bookingId}::int, c.id from calendar_connection c join service s on s.provider_id = c.provider_id
    where s.id = ${serviceId} and c.status = 'ACTIVE'${exceptKind ? sql` and c.kind <> ${exceptKind}` : raw('')}`;

/** Each of the bookings with one connection. */
export const bookingsWithConnection = (bookingIds: readonly number[], connectionId: number): Pairs =>
  sql`select unnest(${pgArray(bookingIds)}::int[]), ${connectionId}::int`;

/**
 * Marks the syncs of (booking, connection) pairs PENDING (a new generation, so that a job still calling
 * the service for an older state does not record it as in step) and queues one calendar_sync job per pair,
 * keyed so that waiting jobs of a pair coalesce. Tries already made since the pair was last in step keep
 * counting. Parts of the change's own statement, `name` unique in it.
 */
export function pendingSyncs(name: string, pairs: Pairs, at: Date): StatementParts {
  const [since, task] = [at.toISOString(), 'calendar_sync' satisfies TaskName];
  return {
    ctes: [
      sql`${raw(name)} as (insert into calendar_sync (booking_id, connection_id, status, attempts, generation, next_attempt_at, updated_at)
        select pair.booking_id, pair.connection_id, 'PENDING', 0, 0, ${since}::timestamptz, ${since}::timestamptz from (${pairs}) as pair (booking_id, connection_id)
        on conflict (booking_id, connection_id) do update set status = 'PENDING',
          attempts = case when calendar_sync.status in ('PENDING', 'RETRYING') then calendar_sync.attempts else 0 end,
          last_error = case when calendar_sync.status in ('PENDING', 'RETRYING') then calendar_sync.last_error end,
          generation = calendar_sync.generation + 1, next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at
        returning booking_id, connection_id)`,
    ],
    calls: [
      sql`(select count(graphile_worker.add_job(${task}, json_build_object('bookingId', booking_id, 'connectionId', connection_id), job_key => format(${jobKeys.calendarSync('%s', '%s')}, booking_id, connection_id), max_attempts => ${CALENDAR_JOB_ATTEMPTS})) from ${raw(name)}) as ${raw(name)}`,
    ],
  };
}

/** Bookings a resync found in step read SYNCED with their events' ids; a sync still waiting is left to run. */
export const syncedAsFound = (
  connectionId: number,
  bookings: readonly { id: number; eventIds: string[] }[],
  at: Date,
): Statement<never> => ({
  sql: `insert into calendar_sync (booking_id, connection_id, status, external_event_id, event_ids, attempts, generation, updated_at)
    select (pair->>'id')::int, ?, 'SYNCED', pair->'eventIds'->>0, array(select json_array_elements_text(pair->'eventIds')), 0, 0, ?
    from json_array_elements(?::json) as pair
    on conflict (booking_id, connection_id) do update set status = 'SYNCED', external_event_id = excluded.external_event_id,
      event_ids = excluded.event_ids, last_error = null, next_attempt_at = null, updated_at = excluded.updated_at
    where calendar_sync.status not in ('PENDING', 'RETRYING')`,
  params: [connectionId, at.toISOString(), JSON.stringify(bookings)],
});

/** The most days ahead the provider's active services take bookings. */
export const advanceDaysOf = (providerId: number): Statement<{ days: number }> => ({
  sql: 'select coalesce(max(advance_days), 0)::int as days from service where provider_id = ? and active',
  params: [providerId],
});
