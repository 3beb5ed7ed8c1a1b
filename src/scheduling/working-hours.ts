import { BadInput } from '../core/errors';
import { intInRange } from '../core/validate';
import { parseWallTime } from '../core/zoned-time';

/** A stretch of one day, in wall time: HH:mm to HH:mm (the end may be 24:00). */
export interface TimeRange {
  start: string;
  end: string;
}

/** Working hours: from startTime to endTime, less the breaks, a slot starting every slotMinutes. */
export interface WorkingHours {
  startTime: string;
  endTime: string;
  slotMinutes: number;
  breaks: TimeRange[];
}

export interface WallTime {
  hour: number;
  minute: number;
}

const DAY_MINUTES = 24 * 60;
export const MIN_SLOT_MINUTES = 5;
/** The most slots one day of working hours makes (00:00 to 24:00, a slot every 5 minutes). */
export const MAX_SLOTS_A_DAY = DAY_MINUTES / MIN_SLOT_MINUTES;
export const MAX_BREAKS = 20;

/** Minutes after midnight of an HH:mm; an end may be 24:00, the end of the day. */
export function minutesOf(field: string, value: string, end = false): number {
  if (end && value === '24:00') return DAY_MINUTES;
  const { hour, minute } = parseWallTime(field, value);
  return hour * 60 + minute;
}

export function wallTimeOf(minutes: number): WallTime {
  return { hour: Math.floor(minutes / 60), minute: minutes % 60 };
}

export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The stretches of a day in which slots are made: the hours less the breaks, in minutes after midnight. */
function workingIntervals(hours: WorkingHours): [number, number][] {
  const intervals: [number, number][] = [];
  let from = minutesOf('startTime', hours.startTime);
  for (const pause of hours.breaks) {
    const start = minutesOf('breaks.start', pause.start);
    if (start > from) intervals.push([from, start]);
    from = Math.max(from, minutesOf('breaks.end', pause.end, true));
  }
  const end = minutesOf('endTime', hours.endTime, true);
  if (end > from) intervals.push([from, end]);
  return intervals;
}

/**
 * The wall times at which a day's slots start: in each working stretch, one at its start and then every
 * slotMinutes, as long as a slot of durationMinutes still ends inside the stretch.
 */
export function slotStarts(hours: WorkingHours, durationMinutes: number): WallTime[] {
  const starts: WallTime[] = [];
  for (const [from, to] of workingIntervals(hours)) {
    for (let at = from; at + durationMinutes <= to; at += hours.slotMinutes) starts.push(wallTimeOf(at));
  }
  return starts;
}

/**
 * Checked working hours, each refusal naming its field: an end after the start on the same day, breaks
 * inside the hours that do not overlap (kept in order), a step of 5 minutes to a day, and room for at least
 * one slot of durationMinutes.
 */
export function parseWorkingHours(
  input: { startTime: string; endTime: string; slotMinutes?: number | null; breaks?: readonly TimeRange[] | null },
  durationMinutes: number,
): WorkingHours {
  const start = minutesOf('startTime', input.startTime);
  const end = minutesOf('endTime', input.endTime, true);
  if (end <= start) throw new BadInput('endTime', 'must be after startTime: working hours end on the day they start');
  const slotMinutes = intInRange('slotMinutes', input.slotMinutes ?? durationMinutes, MIN_SLOT_MINUTES, DAY_MINUTES);
  const given = input.breaks ?? [];
  if (given.length > MAX_BREAKS) throw new BadInput('breaks', `at most ${MAX_BREAKS} breaks a day`);
  const breaks = given
    .map((pause, i) => {
      const from = minutesOf(`breaks.${i}.start`, pause.start);
      const to = minutesOf(`breaks.${i}.end`, pause.end, true);
      if (to <= from) throw new BadInput(`breaks.${i}.end`, 'must be after its start');
      if (from < start || to > end) throw new BadInput(`breaks.${i}`, 'must lie inside the working hours');
      return { from, to };
    })
    .sort((a, b) => a.from - b.from);
  breaks.forEach((pause, i) => {
    if (i > 0 && pause.from < breaks[i - 1].to) throw new BadInput('breaks', 'must not overlap');
  });
  const hours: WorkingHours = {
    startTime: input.startTime,
    endTime: input.endTime,
    slotMinutes,
    breaks: breaks.map(({ from, to }) => ({ start: hhmm(from), end: hhmm(to) })),
  };
  if (slotStarts(hours, durationMinutes).length === 0)
    throw new BadInput('durationMinutes', `a slot of ${durationMinutes} minutes does not fit in the working hours`);
  return hours;
}
