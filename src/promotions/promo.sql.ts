import type { StatementParts } from '../core/effects';
import { raw, sql, type Statement } from '../core/sql';

/** The currencies of a provider's services. */
export const providerCurrencies = (providerId: number): Statement<{ currency: string }> => ({
  sql: 'select distinct currency from service where provider_id = ? order by currency',
  params: [providerId],
});

/**
 * The part of a change's statement that gives a booking's code use back (`ended`) or takes it again: for
 * a booking without a card payment, or with one that counts here (`withCardPayment`: never completed, or paid late).
 */
export const promoUse = (
  name: string,
  change: { bookingId: number; ended: boolean; withCardPayment: boolean; now: Date },
): StatementParts => ({
  ctes: [
    sql`${raw(name)} as (update promo_code p set uses = p.uses + ${change.ended ? -1 : 1}, updated_at = ${change.now}
      from booking b where b.id = ${change.bookingId} and p.id = (b.terms->'promo'->>'codeId')::int and (${change.withCardPayment} or b.payment_id is null) returning 1)`,
  ],
  calls: [raw(`(select count(*) from ${name}) as ${name}`)],
});
