import { pgArray, type Statement } from '../core/sql';

/** Whether any ACTIVE entry waits for these slots or their dates. */
export const anyoneWaiting = (slotIds: readonly number[]): Statement<{ waiting: boolean }> => ({
  sql: `select exists (select 1 from slot s join waitlist_entry e on e.service_id = s.service_id and e.status = 'ACTIVE'
      and (e.slot_id = s.id or (e.slot_id is null and e.date = s.local_date)) where s.id = any(?::int[])) as waiting`,
  params: [pgArray(slotIds)],
});

/**
 * Each ACTIVE entry's place in its queue, counting those ahead that compete for the same seats: a slot
 * entry competes with that slot's entries and the entries for its local date; a date entry with every
 * entry of that date, for any of its slots.
 */
export const queuePositions = (entryIds: readonly number[]): Statement<{ id: number; position: string }> => ({
  sql: `select e.id, 1 + (select count(*) from waitlist_entry o left join slot os on os.id = o.slot_id
      where o.status = 'ACTIVE' and o.service_id = e.service_id
        and coalesce(o.date, os.local_date) = coalesce(e.date, es.local_date)
        and (e.slot_id is null or o.slot_id is null or o.slot_id = e.slot_id)
        and (o.priority > e.priority or (o.priority = e.priority and (o.created_at, o.id) < (e.created_at, e.id)))) as position
    from waitlist_entry e left join slot es on es.id = e.slot_id where e.id = any(?::int[])`,
  params: [pgArray(entryIds)],
});
