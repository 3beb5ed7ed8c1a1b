import type { FormulaTable } from '@mikro-orm/core';

/** Formula of CalendarConnection.pendingSyncs: its bookings' syncs still queued or being retried. */
export const pendingSyncCount = (connection: FormulaTable): string =>
  `(select count(*)::int from calendar_sync cs where cs.connection_id = ${connection}.id and cs.status in ('PENDING', 'RETRYING'))`;
