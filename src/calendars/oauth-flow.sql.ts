import type { Statement } from '../core/sql';

/** Flows whose ticket or consent ran out. */
export const sweepFlows = (now: Date): Statement<never> => ({
  sql: 'delete from oauth_flow where expires_at <= ?',
  params: [now],
});

/** A start link's ticket (its hash) for a provider's consent at `kind`. */
export const insertTicket = (
  kind: string,
  providerId: number,
  ticketHash: string,
  expiresAt: Date,
): Statement<never> => ({
  sql: 'insert into oauth_flow (kind, provider_id, ticket_hash, expires_at) values (?, ?, ?, ?)',
  params: [kind, providerId, ticketHash, expiresAt],
});

/** Uses up a valid ticket: the flow now waits for its consent, under the state's and the browser's hashes. */
export const startConsent = (
  kind: string,
  ticketHash: string,
  consent: { stateHash: string; browserHash: string; expiresAt: Date },
  now: Date,
): Statement<{ id: number }> => ({
  sql: `update oauth_flow set ticket_hash = null, state_hash = ?, browser_hash = ?, expires_at = ?
    where kind = ? and ticket_hash = ? and expires_at > ? returning id`,
  params: [consent.stateHash, consent.browserHash, consent.expiresAt, kind, ticketHash, now],
});

/** Uses up a returned consent's state: the provider it was for and the hash of the browser that started it. */
export const finishConsent = (
  kind: string,
  stateHash: string,
  now: Date,
): Statement<{ provider_id: number; browser_hash: string }> => ({
  sql: 'delete from oauth_flow where kind = ? and state_hash = ? and expires_at > ? returning provider_id, browser_hash',
  params: [kind, stateHash, now],
});
