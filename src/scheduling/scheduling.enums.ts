import { registerEnumType } from 'type-graphql';

export enum Frequency {
  ONCE = 'ONCE',
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(Frequency, {
  name: 'Frequency',
  description: 'How often a schedule repeats.',
  valuesConfig: {
    ONCE: { description: 'A single occurrence on validFrom.' },
    DAILY: { description: 'Every interval days.' },
    WEEKLY: { description: 'Every interval weeks, on the weekdays given.' },
    MONTHLY: { description: "Every interval months, on validFrom's day of the month." },
  },
});

export enum Weekday {
  MO = 'MO',
  TU = 'TU',
  WE = 'WE',
  TH = 'TH',
  FR = 'FR',
  SA = 'SA',
  SU = 'SU',
}
registerEnumType(Weekday, {
  name: 'Weekday',
  description: 'A day of the week, as RFC 5545 writes it.',
  valuesConfig: {
    MO: { description: 'Monday.' },
    TU: { description: 'Tuesday.' },
    WE: { description: 'Wednesday.' },
    TH: { description: 'Thursday.' },
    FR: { description: 'Friday.' },
    SA: { description: 'Saturday.' },
    SU: { description: 'Sunday.' },
  },
});

export enum SlotStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SlotStatus, {
  name: 'SlotStatus',
  description: 'Whether a slot takes bookings.',
  valuesConfig: {
    OPEN: { description: 'Takes bookings while seats are left.' },
    CLOSED: { description: 'Closed by the provider (`setAvailability(open: false)`); may be reopened.' },
    CANCELLED: { description: 'The departure was cancelled; its bookings were cancelled and refunded.' },
  },
});

export enum BlackoutKind {
  HOLIDAY = 'HOLIDAY',
  MAINTENANCE = 'MAINTENANCE',
  WEATHER = 'WEATHER',
  CUSTOM = 'CUSTOM',
}
registerEnumType(BlackoutKind, {
  name: 'BlackoutKind',
  description: 'Why dates are blocked.',
  valuesConfig: {
    HOLIDAY: { description: 'A public or company holiday.' },
    MAINTENANCE: { description: 'Maintenance of the place or equipment.' },
    WEATHER: { description: 'Weather conditions.' },
    CUSTOM: { description: 'Any other reason (see name and description).' },
  },
});

export enum AvailabilityLevel {
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
  NONE = 'NONE',
}
registerEnumType(AvailabilityLevel, {
  name: 'AvailabilityLevel',
  description: "How much of a day's capacity is still free.",
  valuesConfig: {
    HIGH: { description: "50% or more of the day's capacity is free." },
    MEDIUM: { description: '20% or more (and under 50%) is free.' },
    LOW: { description: 'Some seats are free, under 20%.' },
    NONE: { description: 'No seat is free (or there is no open slot).' },
  },
});

export enum UnavailableReason {
  FULL = 'FULL',
  CLOSED = 'CLOSED',
  BLACKED_OUT = 'BLACKED_OUT',
  PROVIDER_BUSY = 'PROVIDER_BUSY',
  CUTOFF_PASSED = 'CUTOFF_PASSED',
  NOT_YET_BOOKABLE = 'NOT_YET_BOOKABLE',
  PARTY_TOO_SMALL = 'PARTY_TOO_SMALL',
  PARTY_TOO_LARGE = 'PARTY_TOO_LARGE',
  NO_SLOTS = 'NO_SLOTS',
}
registerEnumType(UnavailableReason, {
  name: 'UnavailableReason',
  description: 'Why a party cannot book a slot (or a day) now.',
  valuesConfig: {
    FULL: { description: 'Not enough free seats for the party: its waitlist takes the party (waitlistOpen).' },
    CLOSED: { description: 'The slot is CLOSED or CANCELLED by the provider.' },
    BLACKED_OUT: { description: 'A blackout (whole-day or part-day) covers it.' },
    PROVIDER_BUSY: {
      description:
        "The provider is busy then: another appointment (buffers included) or a blocking calendar's busy time.",
    },
    CUTOFF_PASSED: { description: 'It starts within cutoffHours, or has started.' },
    NOT_YET_BOOKABLE: { description: 'It starts more than advanceDays ahead.' },
    PARTY_TOO_SMALL: { description: "The party is smaller than the service's minPartySize." },
    PARTY_TOO_LARGE: { description: "The party is larger than the service's maxPartySize or the slot's capacity." },
    NO_SLOTS: { description: 'The day has no slot.' },
  },
});
