import { DateTime } from 'luxon';
import { BadInput } from '../core/errors';
import { CALENDAR_YEARS, dateInYears, datesInRange } from '../core/zoned-time';
import { AvailabilityLevel, SlotStatus } from './scheduling.enums';

export interface SlotSeats {
  /** How many slots the entry stands for (a date's totals read grouped); 1 when absent. */
  slots?: number;
  localDate: string;
  status: SlotStatus;
  capacity: number;
  seatsAvailable: number;
}

export interface DateSpan {
  startsOn: string;
  endsOn: string;
}

export interface DaySummary {
  date: string;
  slotCount: number;
  availableSpots: number;
  level: AvailabilityLevel;
  blackout: boolean;
}

/** The first and last date of a "YYYY-MM" month, in the years every date of the API lies in. */
export function monthRange(month: string): { first: string; last: string } {
  const start = /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? DateTime.fromISO(`${month}-01`, { zone: 'UTC' }) : null;
  if (!start?.isValid) throw new BadInput('month', `"${month.slice(0, 20)}" is not a month YYYY-MM`);
  return { first: dateInYears('month', start.toISODate()!, CALENDAR_YEARS), last: start.endOf('month').toISODate()! };
}

/** NONE at 0, HIGH from 50% of the day's capacity, MEDIUM from 20%, else LOW. */
export function availabilityLevel(availableSpots: number, capacity: number): AvailabilityLevel {
  if (availableSpots <= 0 || capacity <= 0) return AvailabilityLevel.NONE;
  if (availableSpots * 2 >= capacity) return AvailabilityLevel.HIGH;
  if (availableSpots * 5 >= capacity) return AvailabilityLevel.MEDIUM;
  return AvailabilityLevel.LOW;
}

/** One summary per date of the month, from the month's slots and the blackouts that touch it. */
export function summariseMonth(month: string, slots: SlotSeats[], blackouts: DateSpan[]): DaySummary[] {
  const { first, last } = monthRange(month);
  const byDate = new Map<string, { slotCount: number; capacity: number; availableSpots: number }>();
  for (const slot of slots) {
    if (slot.status !== SlotStatus.OPEN) continue;
    const day = byDate.get(slot.localDate) ?? { slotCount: 0, capacity: 0, availableSpots: 0 };
    day.slotCount += slot.slots ?? 1;
    day.capacity += slot.capacity;
    day.availableSpots += slot.seatsAvailable;
    byDate.set(slot.localDate, day);
  }
  return datesInRange(first, last).map((date) => {
    const day = byDate.get(date) ?? { slotCount: 0, capacity: 0, availableSpots: 0 };
    return {
      date,
      slotCount: day.slotCount,
      availableSpots: day.availableSpots,
      level: availabilityLevel(day.availableSpots, day.capacity),
      blackout: blackouts.some((span) => span.startsOn <= date && date <= span.endsOn),
    };
  });
}
