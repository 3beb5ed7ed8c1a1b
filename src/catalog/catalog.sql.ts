import type { Statement } from '../core/sql';

/** Whether the provider has a connected (ACTIVE) Microsoft 365 calendar, which makes Teams meetings. */
export const microsoftConnected = (providerId: number): Statement<{ connected: boolean }> => ({
  sql: `select exists (select 1 from calendar_connection where provider_id = ? and kind = 'microsoft' and status = 'ACTIVE') as connected`,
  params: [providerId],
});

/** A condition on provider `p`: it has an active service (in `category`, when given). */
export const offersActiveService = (category: string | null): Statement<never> => ({
  sql: 'exists (select 1 from service s where s.provider_id = p.id and s.active and (?::text is null or s.category = ?))',
  params: [category, category],
});
