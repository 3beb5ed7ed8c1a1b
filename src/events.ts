import type { BookingChanged, SeatsFreed } from './booking/booking-events';
import type { RecordChanged } from './core/audit';
import type { EventBus } from './core/event-bus';
import type { PromoCodeChanged } from './promotions/promo.service';
import type { ProposalChanged } from './proposals/proposal-events';
import type { ReviewCreated } from './reviews/review-events';
import type { SlotCancelled } from './scheduling/slot-events';
import type { WaitlistOffered } from './waitlist/waitlist-events';

/** Every domain event by name; `domain.ts` registers the listeners of each. */
export interface DomainEvents {
  bookingChanged: BookingChanged;
  seatsFreed: SeatsFreed;
  proposalChanged: ProposalChanged;
  waitlistOffered: WaitlistOffered;
  reviewCreated: ReviewCreated;
  slotCancelled: SlotCancelled;
  recordChanged: RecordChanged;
  promoCodeChanged: PromoCodeChanged;
}

export type Events = EventBus<DomainEvents>;
