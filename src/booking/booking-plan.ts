import Decimal from 'decimal.js';
import type { Service } from '../catalog/service.entity';
import type { Slot } from '../scheduling/slot.entity';
import { partySize } from './booking-rules';
import type { Contact } from './contact';
import { priceBooking, type PartySize, type PriceBreakdownAmounts } from './pricing';

/** What a booking's slots, party and agreed unit prices decide: the seats, the time span and the price. */
export interface BookingTerms extends PriceBreakdownAmounts {
  adults: number;
  children: number;
  infants: number;
  seats: number;
  startsAt: Date;
  endsAt: Date;
  currency: string;
  /** The unit price of each slot, as sold. */
  unitPrices: Map<number, string>;
}

/** Today's price of a slot: its own, else its service's. */
function currentUnitPrice(slot: Slot, service: Service): string {
  return slot.priceAmount ?? service.priceAmount;
}

/**
 * The terms of a party on these slots. Slots whose price was already agreed (kept by a modification) keep
 * it; the others take today's price (README, "How it behaves": "Prices").
 */
export function bookingTerms(
  service: Service,
  slots: Slot[],
  party: PartySize,
  agreed: ReadonlyMap<number, string> = new Map(),
): BookingTerms {
  const unitPrices = new Map(slots.map((slot) => [slot.id, agreed.get(slot.id) ?? currentUnitPrice(slot, service)]));
  const rates = {
    childRate: service.childRateValue,
    infantRate: service.infantRateValue,
    taxRate: service.taxRateValue,
    currency: service.currency,
  };
  return {
    ...party,
    seats: partySize(party),
    startsAt: new Date(Math.min(...slots.map((slot) => slot.startsAt.getTime()))),
    endsAt: new Date(Math.max(...slots.map((slot) => slot.endsAt.getTime()))),
    ...priceBooking([...unitPrices.values()], party, rates),
    currency: service.currency,
    unitPrices,
  };
}

/** A checked request for a new booking, whether from `book`, an accepted proposal or a claimed waitlist offer. */
export interface BookingPlan {
  service: Service;
  customerId: number;
  slots: Slot[];
  terms: BookingTerms;
  notes?: string | null;
  specialRequirements?: string | null;
  contact?: Contact | null;
  dietaryRestrictions?: string | null;
  accessibilityNeeds?: string | null;
  /** The seats are already held for this customer (a waitlist offer); otherwise they are taken now. */
  seatsHeld?: boolean;
}

/** Whether the plan's booking is paid by card (a paying service, a price above zero). */
export function isPaid(plan: BookingPlan): boolean {
  return plan.service.requiresPayment && new Decimal(plan.terms.total).gt(0);
}
