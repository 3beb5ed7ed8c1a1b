/**
 * How a call to an outside service failed, in the terms a job needs to decide what to do next:
 * - `reconnect`: the grant is gone (`invalid_grant`, a revoked consent): no retry can succeed until the
 *   account is connected again;
 * - `gone`: the thing called (a calendar, an event, a meeting) no longer exists (404, 410);
 * - `throttled`: the service asked us to slow down (429, or 503 with Retry-After), still so after the
 *   retries the client made itself; try again after `retryAfterSeconds` when it said how long;
 * - `failed`: anything else (no answer, a timeout, 5xx, a refusal we did not expect): retry with backoff.
 */
export type IntegrationFailure = 'reconnect' | 'gone' | 'throttled' | 'failed';

export class IntegrationError extends Error {
  constructor(
    readonly service: 'microsoft' | 'whereby',
    readonly kind: IntegrationFailure,
    message: string,
    /** The HTTP status, when an answer came. */
    readonly status: number | null = null,
    /** The service's own error code (`invalid_grant`, `ErrorItemNotFound`, ...), when it gave one. */
    readonly code: string | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'IntegrationError';
  }
}

/** Seconds from a Retry-After header, which may be a number of seconds or an HTTP date; null when absent or past. */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : null;
}
