import type { EntityMetadata } from '@mikro-orm/core';
import { Provider } from '../accounts/provider.entity';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { preparedRead } from '../core/orm';
import { Slot } from '../scheduling/slot.entity';

/** The columns of an entity's table (formulas worked out over `alias`), each named `<alias>__<column>`. */
function columnsOf(meta: EntityMetadata, alias: string): string[] {
  const table = { alias, name: meta.tableName, qualifiedName: meta.tableName, toString: () => alias };
  const columns = meta.createColumnMappingObject();
  return meta.props.flatMap((prop) => {
    if (prop.formula) return [`${prop.formula(table, columns)} as "${alias}__${prop.fieldNames[0]}"`];
    if (prop.persist === false || !prop.fieldNames || (prop.kind !== 'scalar' && !prop.owner && prop.kind !== 'm:1'))
      return [];
    return prop.fieldNames.map((column) => `${alias}."${column}" as "${alias}__${column}"`);
  });
}

/** The part of a row that `alias` named, keyed by column. */
function part(row: Record<string, unknown>, alias: string): Record<string, unknown> {
  const prefix = `${alias}__`;
  const out: Record<string, unknown> = {};
  for (const key in row) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = row[key];
  return out;
}

let slotsSql: string | undefined;

/**
 * The slots a booking names with their service and its provider, as ONE named prepared statement (planned
 * once per connection, the values bound, no query built per request) whose rows become managed entities;
 * `reserveId` also takes the new booking's id from its sequence in the same round trip.
 */
export async function bookingSlots(
  ctx: RequestContext,
  slotIds: number[],
  reserveId: boolean,
): Promise<{ slots: Slot[]; bookingId: number | null }> {
  const metadata = ctx.em.getMetadata();
  slotsSql ??= `with reserved as (select case when $2 then nextval(pg_get_serial_sequence('booking', 'id'))::int end as booking_id)
    select ${[
      ...columnsOf(metadata.get(Slot.name), 's'),
      ...columnsOf(metadata.get(Service.name), 'sv'),
      ...columnsOf(metadata.get(Provider.name), 'p'),
    ].join(', ')}, reserved.booking_id
    from reserved, slot s join service sv on sv.id = s.service_id join provider p on p.id = sv.provider_id
    where s.id = any($1::int[])`;
  const rows = await preparedRead<Record<string, unknown>>(ctx, 'booking_slots', slotsSql, [slotIds, reserveId]);
  // Provider first: the service's reference to it then points at the entity made here.
  const slots = rows.map((row) => {
    ctx.em.map(Provider, part(row, 'p'));
    ctx.em.map(Service, part(row, 'sv'));
    return ctx.em.map(Slot, part(row, 's'));
  });
  return { slots, bookingId: rows.length ? (rows[0].booking_id as number | null) : null };
}
