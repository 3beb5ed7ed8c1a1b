import Decimal from 'decimal.js';
import type { MeetingProvider } from '../catalog/service.enums';
import { BadInput } from '../core/errors';
import type { BookableService, BookableSlot } from './bookable';
import { discountOf } from '../promotions/discount';
import { partySize } from './booking-rules';
import type { BookingAnswer } from './answers';
import type { Contact } from './contact';
import { priceLines, priceOf, type PartySize, type PriceBreakdownAmounts, type PriceLine } from './pricing';
import { currentTerms, type AgreedTerms } from './terms';

/** What a booking's slots, party and agreed price lines decide: the seats, the time span and the price. */
export interface BookingTerms extends PriceBreakdownAmounts {
  adults: number;
  children: number;
  infants: number;
  seats: number;
  startsAt: Date;
  endsAt: Date;
  currency: string;
  /** The rates and cancellation policy agreed. */
  agreed: AgreedTerms;
  lines: PriceLine[];
  /** The adult price of each slot, as sold. */
  unitPrices: Map<number, string>;
}

/** Today's price of a slot: its own, else its service's. */
export function currentUnitPrice(slot: BookableSlot, service: BookableService): string {
  return slot.priceAmount ?? service.priceAmount;
}

/** What a customer agrees to: the terms and the price lines of a party on some slots. */
export interface Offer {
  terms: AgreedTerms;
  lines: PriceLine[];
}

/**
 * A party on slots at the service's terms today, each slot at `price` (by default today's): what a
 * customer who agrees now agrees to.
 */
export function offerNow(
  service: BookableService,
  slots: BookableSlot[],
  party: PartySize,
  price: (slot: BookableSlot) => string = (slot) => currentUnitPrice(slot, service),
): Offer {
  const terms = currentTerms(service);
  return {
    terms,
    lines: priceLines(
      slots.map((slot) => ({ id: slot.id, price: price(slot) })),
      party,
      terms,
    ),
  };
}

/** The terms of a party on these slots at agreed price lines (README, "Money: agreed terms, refunds and Stripe's word"). */
export function bookingTerms(slots: BookableSlot[], party: PartySize, { terms, lines }: Offer): BookingTerms {
  const discount = discountOf(terms.promo, priceOf(lines, terms.currency), terms.currency);
  return {
    ...party,
    seats: partySize(party),
    startsAt: new Date(Math.min(...slots.map((slot) => slot.startsAt.getTime()))),
    endsAt: new Date(Math.max(...slots.map((slot) => slot.endsAt.getTime()))),
    ...priceOf(lines, terms.currency, discount),
    currency: terms.currency,
    agreed: terms,
    lines,
    unitPrices: new Map(slots.map((slot) => [slot.id, lines.find((line) => line.slotId === slot.id)!.slotPrice])),
  };
}

/** A checked request for a new booking, whether from `book`, an accepted proposal or a claimed waitlist offer. */
export interface BookingPlan {
  service: BookableService;
  customerId: number;
  slots: BookableSlot[];
  terms: BookingTerms;
  notes?: string | null;
  specialRequirements?: string | null;
  contact?: Contact | null;
  dietaryRestrictions?: string | null;
  accessibilityNeeds?: string | null;
  /** The answers to the service's questions, checked against them. */
  answers?: BookingAnswer[];
  /** The seats are already held for this customer (a waitlist offer); otherwise they are taken now. */
  seatsHeld?: boolean;
  /** The new booking's id, when it was taken from its sequence with the read of the slots. */
  bookingId?: number | null;
  /** The customer's choice of meeting provider (checked against the service's); by default the service's. */
  meetingProvider?: MeetingProvider;
  /** The series the booking is an occurrence of (bookSeries). */
  seriesId?: number;
  /**
   * A guest's free booking: PENDING_CONFIRMATION, its seats held this many minutes until the guest confirms
   * it from the emailed link (bookAsGuest). A paid one waits for its payment instead.
   */
  confirmWithinMinutes?: number;
}

/** Whether the plan's booking is paid by card (a paying service, a price above zero). */
export function isPaid(plan: BookingPlan): boolean {
  return plan.service.requiresPayment && new Decimal(plan.terms.total).gt(0);
}

/**
 * The meeting provider of a booking: the customer's `choice` when the service offers it (one of its
 * meetingProviders, or its own meetingProvider), else the service's; any other choice is refused, naming
 * the field.
 */
export function meetingProviderOf(
  service: BookableService,
  choice: MeetingProvider | null | undefined,
): MeetingProvider {
  if (choice == null || choice === service.meetingProvider) return service.meetingProvider;
  if (!service.meetingProviders.includes(choice)) {
    const offered = [...new Set([service.meetingProvider, ...service.meetingProviders])].join(', ');
    throw new BadInput('meetingProvider', `this service does not offer ${choice} meetings: choose one of ${offered}`);
  }
  return choice;
}
