import type { EntityMetadata } from '@mikro-orm/core';
import { Provider } from '../accounts/provider.entity';
import { counted } from '../accounts/rate-limits';
import { countCharge } from '../accounts/rate-limits.sql';
import { Service } from '../catalog/service.entity';
import type { RequestContext } from '../core/context';
import { preparedRead, mapRow } from '../infra/orm';
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
 * `reserveId` also takes the new booking's id from its sequence, and the request's carried rate-limit charge
 * is counted, in the same round trip.
 */
export async function bookingSlots(
  ctx: RequestContext,
  slotIds: number[],
  reserveId: boolean,
): Promise<{ slots: Slot[]; bookingId: number | null }> {
  const metadata = ctx.em.getMetadata();
  slotsSql ??= `with reserved as (select case when $2 then nextval(pg_get_serial_sequence('booking', 'id'))::int end as booking_id),
      charged as (${countCharge('$3::text', '$4::bigint', '$5::bigint')})
    select ${[
      ...columnsOf(metadata.get(Slot.name), 's'),
      ...columnsOf(metadata.get(Service.name), 'sv'),
      ...columnsOf(metadata.get(Provider.name), 'p'),
    ].join(', ')}, reserved.booking_id, charged.points as charged_points, charged.expire as charged_expire
    from reserved left join charged on true
      left join (slot s join service sv on sv.id = s.service_id join provider p on p.id = sv.provider_id) on s.id = any($1::int[])`;
  const charge = ctx.carriedCharge;
  const now = Date.now(); // the counter's windows are in real time, as rate-limiter-flexible keeps them
  const rows = await preparedRead<Record<string, unknown>>(ctx, 'booking_slots', slotsSql, [
    slotIds,
    reserveId,
    charge?.key ?? null,
    now,
    charge ? now + charge.durationMs : null,
  ]);
  // The one row of a statement that found no slot still carries the charge and the id.
  const [first] = rows;
  if (charge) counted(charge, Number(first.charged_points), Number(first.charged_expire), now);
  // Provider first: the service's reference to it then points at the entity made here.
  const slots = rows
    .filter((row) => row.s__id !== null)
    .map((row) => {
      mapRow(ctx.em, Provider, part(row, 'p'));
      mapRow(ctx.em, Service, part(row, 'sv'));
      return mapRow(ctx.em, Slot, part(row, 's'));
    });
  return { slots, bookingId: first.booking_id as number | null };
}

/** A slot's free seats as they stand, read past the unit of work (the seat gate's fresh look). */
export async function seatsLeft(ctx: RequestContext, slotId: number): Promise<number> {
  const [row] = await preparedRead<{ left: number }>(
    ctx,
    'seats_left',
    'select capacity - booked - held as left from slot where id = $1',
    [slotId],
  );
  return row?.left ?? 0;
}
