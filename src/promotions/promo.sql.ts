import type { StatementParts } from '../core/effects';
import type { Statement } from '../core/sql';

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
    `${name} as (update promo_code p set uses = p.uses ${change.ended ? '- 1' : '+ 1'}, updated_at = ?
      from booking b where b.id = ? and p.id = (b.terms->'promo'->>'codeId')::int and (? or b.payment_id is null) returning 1)`,
  ],
  cteParams: [change.now, change.bookingId, change.withCardPayment],
  calls: [`(select count(*) from ${name}) as ${name}`],
  callParams: [],
});
