import type { Statement } from '../core/sql';

/** The least statement that shows the database answers. */
export const ping = (): Statement<{ ok: number }> => ({ sql: 'select 1 as ok', params: [] });
