/** Stable error codes of the public API (README, "How it behaves": "Errors"). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'SLOT_UNAVAILABLE'
  | 'CAPACITY_EXCEEDED'
  | 'HAS_BOOKINGS'
  | 'OWN_SERVICE'
  | 'APPROVAL_REQUIRED'
  | 'INVALID_TRANSITION'
  | 'PAYMENT_REQUIRED'
  | 'PAYMENTS_NOT_CONFIGURED'
  /** Google Calendar is not set up on this server (no GOOGLE_CLIENT_ID). */
  | 'CALENDARS_NOT_CONFIGURED'
  /** Stripe could not be reached or failed while a payment was being started; nothing was booked. */
  | 'PAYMENT_PROVIDER_UNAVAILABLE'
  | 'RATE_LIMITED'
  /** The customer holds as many unpaid bookings or seats as allowed (`limit` says which cap, `max` its value): pay or cancel one first. */
  | 'HOLD_LIMIT_REACHED'
  /** The customer's hold on this slot was cancelled or ran out a moment ago: it can be held again after `retryAfter` seconds. */
  | 'HOLD_COOLDOWN'
  /** The operation is over a depth, alias, directive, token or cost limit; nothing of it ran. */
  | 'QUERY_TOO_COMPLEX'
  /** The operation, or one database statement of it, ran out of time and was stopped. */
  | 'TIMEOUT'
  /** The database cannot be reached for now (a restart, a network failure): retry in a moment. */
  | 'SERVICE_UNAVAILABLE';

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
