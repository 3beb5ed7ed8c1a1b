/**
 * Whether a busy interval read from one of the provider's ACTIVE blocking calendar connections overlaps
 * the slot (`alias` is the slot's table alias): such a slot cannot be booked. Kept as one SQL piece beside
 * the blackout condition of `Slot`.
 */
export function calendarBusySql(alias: string): string {
  return (
    `exists (select 1 from calendar_busy cb join calendar_connection cc on cc.id = cb.connection_id join service cs on cs.id = ${alias}.service_id ` +
    `where cc.provider_id = cs.provider_id and cc.status = 'ACTIVE' and cc.blocks_availability ` +
    `and cb.starts_at < ${alias}.ends_at and cb.ends_at > ${alias}.starts_at)`
  );
}
