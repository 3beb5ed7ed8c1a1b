import type { Statement } from '../core/sql';

/** The share (0 to 100, null without seats) of the seats of open slots starting in [from, to) that are booked or held. */
export const slotUtilization = (from: Date, to: Date): Statement<{ percentage: string | null }> => ({
  sql: `select 100.0 * sum(booked + held) / nullif(sum(capacity), 0) as percentage from slot
    where status = 'OPEN' and starts_at >= ? and starts_at < ?`,
  params: [from, to],
});
