/**
 * Every code the API answers in `extensions.code`, the one list of them: the table in docs/api-guide.md ("Error
 * codes") gives each its HTTP status, when it is answered and what to do, and a test holds the two together.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'SLOT_UNAVAILABLE',
  'CAPACITY_EXCEEDED',
  'HAS_BOOKINGS',
  'OWN_SERVICE',
  'APPROVAL_REQUIRED',
  'INVALID_TRANSITION',
  'PAYMENT_REQUIRED',
  'PAYMENTS_NOT_CONFIGURED',
  /** Google Calendar is not set up on this server (no GOOGLE_CLIENT_ID). */
  'CALENDARS_NOT_CONFIGURED',
  /** Stripe could not be reached or failed while a payment was being started; nothing was booked. */
  'PAYMENT_PROVIDER_UNAVAILABLE',
  'RATE_LIMITED',
  /** The customer holds as many unpaid bookings or seats as allowed (`limit` says which cap, `max` its value): pay or cancel one first. */
  'HOLD_LIMIT_REACHED',
  /** The customer's hold on this slot was cancelled or ran out a moment ago: it can be held again after `retryAfter` seconds. */
  'HOLD_COOLDOWN',
  /** The operation is over a length, depth, alias, directive, token or cost limit; nothing of it ran. */
  'QUERY_TOO_COMPLEX',
  /** The answer would be larger than one operation's budget; a query's is refused whole. */
  'RESPONSE_TOO_LARGE',
  /** The operation, or one database statement of it, ran out of time and was stopped. */
  'TIMEOUT',
  /** The database cannot be reached for now, or the server is busy with other large answers: retry in a moment. */
  'SERVICE_UNAVAILABLE',
  /** The bundled proxy (compose.yaml) could not reach an API process. */
  'BAD_GATEWAY',
  /** A subscription sent over HTTP: subscriptions run over WebSocket. */
  'OPERATION_NOT_SUPPORTED',
  // Refusals of the request itself, as graphql-js and Apollo name them.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  /** A fault of the server's, logged; the answer says nothing more. */
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Raised by the domain; the GraphQL layer turns it into `extensions.code`. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class BadInput extends DomainError {
  constructor(field: string, problem: string) {
    super('BAD_USER_INPUT', `${field}: ${problem}`, { field });
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string | number) {
    super('NOT_FOUND', `${what} ${id} not found`);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Sign in first') {
    super('UNAUTHENTICATED', message);
  }
}

/** A setting that makes starting pointless; main prints its message alone. */
export class ConfigError extends Error {}
