import { DomainError } from './errors';
import { businessMetrics } from '../infra/metrics';

export function slotUnavailable(slotId: number, why: string, reason?: string): DomainError {
  return new DomainError('SLOT_UNAVAILABLE', `Slot ${slotId} ${why}`, {
    slotId: String(slotId),
    ...(reason ? { reason } : {}),
  });
}

/** The provider's time is taken (docs/booking.md, "Appointments and buffers"): why a slot reads `available: 0` without being full. */
export const PROVIDER_BUSY = 'PROVIDER_BUSY';

export function capacityExceeded(slotId: number): DomainError {
  return new DomainError('CAPACITY_EXCEEDED', `Slot ${slotId} has not enough free seats`, {
    slotId: String(slotId),
    waitlistAvailable: true,
  });
}

/** Why a promo code cannot be used now: BAD_USER_INPUT naming promoCode, with the rule it breaks. */
export function promoRefusal(rule: string, problem: string): DomainError {
  return new DomainError('BAD_USER_INPUT', `promoCode: ${problem}`, { field: 'promoCode', rule });
}

type Refusal = (detail: string | undefined, hint: string | undefined) => DomainError;

/** The domain's error for each SQLSTATE the database raises, from the DETAIL and HINT it gives. */
const REFUSALS: Record<string, Refusal> = {
  BK001: (detail, hint) => slotUnavailable(Number(detail), `is ${(hint ?? 'missing').toLowerCase()}`),
  BK002: (detail) => {
    businessMetrics.capacityErrors.inc(); // a race lost after the read check passed
    return capacityExceeded(Number(detail));
  },
  BK003: (detail) =>
    new DomainError(
      'BAD_USER_INPUT',
      `slotIds: this service takes at most ${detail} live booking(s) per customer, and you hold them`,
      { field: 'slotIds', rule: 'MAX_ACTIVE_BOOKINGS' },
    ),
  BK004: () =>
    new DomainError('BAD_USER_INPUT', 'slotIds: you already hold a booking of this service at that time', {
      field: 'slotIds',
      rule: 'NO_OVERLAP',
    }),
  BK005: () => {
    businessMetrics.capacityErrors.inc(); // a race for the provider's time lost after the read check passed
    return new DomainError('SLOT_UNAVAILABLE', 'The provider is already booked at that time (buffers included)', {
      reason: PROVIDER_BUSY,
    });
  },
  BK006: (detail, hint) =>
    new DomainError(
      'HOLD_LIMIT_REACHED',
      `You already hold as many unpaid ${detail?.startsWith('SEATS') ? 'seats' : 'bookings'} as allowed${detail?.endsWith('PER_SERVICE') ? ' for this service' : ''} (${hint}): pay for or cancel one first`,
      { limit: detail, max: Number(hint) },
    ),
  BK007: (detail, hint) =>
    new DomainError(
      'HOLD_COOLDOWN',
      `Your hold on slot ${detail} ended a moment ago: you can hold it again in ${hint} seconds`,
      { slotId: detail, retryAfter: Number(hint) },
    ),
  BK008: (detail, hint) =>
    new DomainError(
      'RATE_LIMITED',
      `contact.email: bookings may name at most ${detail} other people's addresses a day; try again in ${hint} seconds`,
      { field: 'contact.email', max: Number(detail), retryAfter: Number(hint) },
    ),
  // Counted by use_promo_code in the booking's own statement: another booking took the last use, or the code ended meanwhile.
  BK009: () => promoRefusal('USED_UP', 'this promo code has been used as many times as allowed, or is no longer valid'),
};

/**
 * The refusals the database itself makes (SQLSTATEs raised by `take_seats`, the booking limits
 * trigger, the provider's time and the hold rule, see their migrations), as the domain's errors; undefined for anything else.
 */
export function databaseRefusal(error: unknown): DomainError | undefined {
  const { code, detail, hint } = error as { code?: string; detail?: string; hint?: string };
  return code != null && Object.hasOwn(REFUSALS, code) ? REFUSALS[code](detail, hint) : undefined;
}
