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

/**
 * The refusals the database itself makes (SQLSTATEs raised by `take_seats`, the booking limits
 * trigger, the provider's time and the hold rule, see their migrations), as the domain's errors; undefined for anything else.
 */
export function databaseRefusal(error: unknown): DomainError | undefined {
  const { code, detail, hint } = error as { code?: string; detail?: string; hint?: string };
  switch (code) {
    case 'BK001':
      return slotUnavailable(Number(detail), `is ${(hint ?? 'missing').toLowerCase()}`);
    case 'BK002':
      businessMetrics.capacityErrors.inc(); // a race lost after the read check passed
      return capacityExceeded(Number(detail));
    case 'BK003':
      return new DomainError(
        'BAD_USER_INPUT',
        `slotIds: this service takes at most ${detail} live booking(s) per customer, and you hold them`,
        {
          field: 'slotIds',
          rule: 'MAX_ACTIVE_BOOKINGS',
        },
      );
    case 'BK004':
      return new DomainError('BAD_USER_INPUT', 'slotIds: you already hold a booking of this service at that time', {
        field: 'slotIds',
        rule: 'NO_OVERLAP',
      });
    case 'BK005':
      businessMetrics.capacityErrors.inc(); // a race for the provider's time lost after the read check passed
      return new DomainError('SLOT_UNAVAILABLE', 'The provider is already booked at that time (buffers included)', {
        reason: PROVIDER_BUSY,
      });
    case 'BK006':
      return new DomainError(
        'HOLD_LIMIT_REACHED',
        `You already hold as many unpaid ${detail?.startsWith('SEATS') ? 'seats' : 'bookings'} as allowed${detail?.endsWith('PER_SERVICE') ? ' for this service' : ''} (${hint}): pay for or cancel one first`,
        { limit: detail, max: Number(hint) },
      );
    case 'BK007':
      return new DomainError(
        'HOLD_COOLDOWN',
        `Your hold on slot ${detail} ended a moment ago: you can hold it again in ${hint} seconds`,
        { slotId: detail, retryAfter: Number(hint) },
      );
    case 'BK008':
      return new DomainError(
        'RATE_LIMITED',
        `contact.email: bookings may name at most ${detail} other people's addresses a day; try again in ${hint} seconds`,
        { field: 'contact.email', max: Number(detail), retryAfter: Number(hint) },
      );
    case 'BK009':
      // Counted by use_promo_code in the booking's own statement: another booking took the last use, or the code ended meanwhile.
      return promoRefusal('USED_UP', 'this promo code has been used as many times as allowed, or is no longer valid');
    default:
      return undefined;
  }
}
