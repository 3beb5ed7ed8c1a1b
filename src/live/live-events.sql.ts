import { type Fragment, sql } from '../core/sql';

/**
 * The NOTIFY on `channel` of a seat change made in the same statement, as a select-list call: `notice` (JSON)
 * with the counters that only the statement knows, from `counters` (the jsonb `take_seats` answers).
 */
export const slotsNotice = (channel: string, notice: string, counters: Fragment): Fragment =>
  sql`pg_notify(${channel}, (${notice}::jsonb || jsonb_build_object('counters', ${counters}))::text)`;
