import { Frequency as RFrequency, RRule, type Options, type Weekday as RWeekday } from 'rrule';
import { BadInput } from '../core/errors';
import { zonedInstant } from '../core/zoned-time';
import { Frequency, Weekday } from './scheduling.enums';

export interface RecurrenceSpec {
  frequency: Frequency;
  interval?: number | null;
  weekdays?: Weekday[] | null;
  rrule?: string | null;
}

const WEEKDAYS: Record<Weekday, RWeekday> = {
  MO: RRule.MO,
  TU: RRule.TU,
  WE: RRule.WE,
  TH: RRule.TH,
  FR: RRule.FR,
  SA: RRule.SA,
  SU: RRule.SU,
};

const DAY_BASED = new Set([RFrequency.YEARLY, RFrequency.MONTHLY, RFrequency.WEEKLY, RFrequency.DAILY]);

function parseCustomRule(text: string): Partial<Options> {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (!body || /[\r\n]/.test(body) || /DTSTART|BYHOUR|BYMINUTE|BYSECOND/i.test(body)) {
    throw new BadInput('recurrence.rrule', 'give one RRULE line without DTSTART or times (startTime sets the time)');
  }
  let options: Partial<Options>;
  try {
    options = RRule.parseString(body);
    new RRule(options).toString();
  } catch {
    throw new BadInput('recurrence.rrule', `"${body.slice(0, 80)}" is not a valid RFC 5545 RRULE`);
  }
  if (options.freq === undefined || !DAY_BASED.has(options.freq)) {
    throw new BadInput('recurrence.rrule', 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  }
  if (options.interval !== undefined && (!Number.isInteger(options.interval) || options.interval < 1)) {
    throw new BadInput('recurrence.rrule', 'INTERVAL must be a positive integer');
  }
  return options;
}

/**
 * The RRULE (without DTSTART) for a recurrence input. MONTHLY repeats on validFrom's day of the month;
 * a given `rrule` is the custom form and then interval and weekdays must be left out.
 */
export function ruleFor(spec: RecurrenceSpec): string {
  const interval = spec.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > 366) {
    throw new BadInput('recurrence.interval', 'must be an integer from 1 to 366');
  }
  if (spec.weekdays?.length && (spec.rrule || spec.frequency !== Frequency.WEEKLY)) {
    throw new BadInput('recurrence.weekdays', 'weekdays are only for a WEEKLY frequency without rrule');
  }
  if (spec.rrule) {
    if (interval !== 1) throw new BadInput('recurrence.interval', 'put INTERVAL inside rrule when rrule is given');
    return `RRULE:${RRule.optionsToString(parseCustomRule(spec.rrule)).replace(/^RRULE:/, '')}`;
  }
  const options: Partial<Options> = { interval };
  switch (spec.frequency) {
    case Frequency.ONCE:
      return 'RRULE:FREQ=DAILY;COUNT=1';
    case Frequency.DAILY:
      options.freq = RFrequency.DAILY;
      break;
    case Frequency.WEEKLY:
      options.freq = RFrequency.WEEKLY;
      if (spec.weekdays?.length) options.byweekday = [...new Set(spec.weekdays)].map((day) => WEEKDAYS[day]);
      break;
    case Frequency.MONTHLY:
      options.freq = RFrequency.MONTHLY;
      break;
  }
  return RRule.optionsToString(options);
}

/** A date as a floating wall-clock midnight: rrule works in UTC, so wall dates are encoded as UTC. */
function floating(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export interface Occurrence {
  localDate: string;
  startsAt: Date;
}

/**
 * Occurrences of `rule` starting on `validFrom` at the wall time `startTime` in `zone`, whose local
 * date lies in [from, to] (the caller has already intersected it with the schedule's validity).
 */
export function occurrences(
  rule: string,
  validFrom: string,
  startTime: { hour: number; minute: number },
  zone: string,
  from: string,
  to: string,
): Occurrence[] {
  const options = RRule.parseString(rule.replace(/^RRULE:/, ''));
  const recurrence = new RRule({ ...options, dtstart: floating(validFrom) });
  return recurrence
    .between(floating(from), new Date(floating(to).getTime() + 86_399_999), true)
    .map((day) => {
      const localDate = day.toISOString().slice(0, 10);
      return { localDate, startsAt: zonedInstant(localDate, startTime, zone) };
    });
}
