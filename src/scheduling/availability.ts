import { BadInput } from '../core/errors';
import { CALENDAR_YEARS, dateInYears } from '../core/zoned-time';
import { AvailabilityLevel } from './scheduling.enums';

export interface DaySummary {
  date: string;
  slotCount: number;
  availableSpots: number;
  level: AvailabilityLevel;
  blackout: boolean;
}

/** The first and last date of a "YYYY-MM" month, in the years every date of the API lies in. */
export function monthRange(month: string): { first: string; last: string } {
  const parts = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!parts) throw new BadInput('month', `"${month.slice(0, 20)}" is not a month YYYY-MM`);
  const days = new Date(Date.UTC(Number(parts[1]), Number(parts[2]), 0)).getUTCDate(); // day 0 of the next month
  return { first: dateInYears('month', `${month}-01`, CALENDAR_YEARS), last: `${month}-${days}` };
}

/** NONE at 0, HIGH from 50% of the day's capacity, MEDIUM from 20%, else LOW. */
export function availabilityLevel(availableSpots: number, capacity: number): AvailabilityLevel {
  if (availableSpots <= 0 || capacity <= 0) return AvailabilityLevel.NONE;
  if (availableSpots * 2 >= capacity) return AvailabilityLevel.HIGH;
  if (availableSpots * 5 >= capacity) return AvailabilityLevel.MEDIUM;
  return AvailabilityLevel.LOW;
}
