import { DateTime } from 'luxon';
import { Frequency as RFrequency, RRule, type Options, type Weekday as RWeekday } from 'rrule';
import { BadInput } from '../core/errors';
import { zonedInstant } from '../core/zoned-time';
import { Frequency, type Weekday } from './scheduling.enums';
import type { WallTime } from './working-hours';

export interface RecurrenceSpec {
  frequency?: Frequency | null;
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

/** Leaves room in the stored column (500) for what normalising adds, such as a time on UNTIL. */
const MAX_RULE_LENGTH = 400;

function parseCustomRule(text: string): Partial<Options> {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body.length > MAX_RULE_LENGTH)
    throw new BadInput('recurrence.rrule', `must be at most ${MAX_RULE_LENGTH} characters`);
  if (!body || /[\r\n]/.test(body) || /DTSTART|BYHOUR|BYMINUTE|BYSECOND|BYEASTER/i.test(body)) {
    throw new BadInput(
      'recurrence.rrule',
      'give one RRULE line without DTSTART, times (startTime sets the time) or BYEASTER',
    );
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

/** Years that hold every kind of year (leap or not, starting on each weekday) twice, with no century between. */
const PROBE_YEARS = 56;

/**
 * rrule looks for a next occurrence until the year 9999, so a rule that can never occur
 * (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) would keep it busy for seconds on every expansion. It must occur
 * in a probe at that end, PROBE_YEARS times its interval long, in its phase from validFrom.
 */
function assertCanOccur(options: Partial<Options>, validFrom: string): void {
  const probeYear = 9999 - PROBE_YEARS * (options.interval ?? 1);
  const probeFrom = probeYear > Number(validFrom.slice(0, 4)) ? `${probeYear}-01-01` : validFrom;
  if (!ruleNear({ ...options, count: null, until: null }, validFrom, probeFrom).after(floating(probeFrom), true)) {
    throw new BadInput('recurrence.rrule', 'never occurs');
  }
}

/**
 * The RRULE (without DTSTART) for a recurrence input from validFrom. MONTHLY repeats on validFrom's day
 * of the month; a given `rrule` is the custom form and then interval and weekdays must be left out.
 */
export function ruleFor(spec: RecurrenceSpec, validFrom: string): string {
  const interval = spec.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > 366) {
    throw new BadInput('recurrence.interval', 'must be an integer from 1 to 366');
  }
  if (spec.weekdays?.length && (spec.rrule || spec.frequency !== Frequency.WEEKLY)) {
    throw new BadInput('recurrence.weekdays', 'weekdays are only for a WEEKLY frequency without rrule');
  }
  if (spec.rrule) {
    if (interval !== 1) throw new BadInput('recurrence.interval', 'put INTERVAL inside rrule when rrule is given');
    const options = parseCustomRule(spec.rrule);
    assertCanOccur(options, validFrom);
    return `RRULE:${RRule.optionsToString(options).replace(/^RRULE:/, '')}`;
  }
  if (spec.frequency == null) throw new BadInput('recurrence.frequency', 'is required when rrule is not given');
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

const PERIOD = {
  [RFrequency.YEARLY]: 'years',
  [RFrequency.MONTHLY]: 'months',
  [RFrequency.WEEKLY]: 'weeks',
  [RFrequency.DAILY]: 'days',
} as const;

/** The days rrule reads from DTSTART when a rule names none (MONTHLY's day, WEEKLY's weekday, ...), written into the rule. */
function pinDerivedDays(options: Partial<Options>, dtstart: Date): Partial<Options> {
  const derived = new RRule({ ...options, dtstart }).options;
  return {
    ...options,
    bymonth: options.bymonth ?? derived.bymonth,
    bymonthday: options.bymonthday ?? (derived.bymonthday.length ? derived.bymonthday : null),
    byweekday: options.byweekday ?? derived.byweekday,
  };
}

/**
 * rrule walks every period from DTSTART, so an old schedule would pay for its whole past on each call.
 * Without COUNT a rule repeats every `interval` periods: DTSTART moves forward by whole intervals to at
 * least one interval before `from`, once the days it implied are pinned. What it skips is before `from`.
 */
function ruleNear(options: Partial<Options>, validFrom: string, from: string): RRule {
  const dtstart = floating(validFrom);
  const unit = options.freq === undefined ? undefined : PERIOD[options.freq as keyof typeof PERIOD];
  if (options.count != null || unit === undefined) return new RRule({ ...options, dtstart });
  const interval = options.interval ?? 1;
  const start = DateTime.fromJSDate(dtstart, { zone: 'UTC' });
  const intervals = Math.floor(DateTime.fromISO(from, { zone: 'UTC' }).diff(start, unit).get(unit) / interval) - 1;
  if (intervals <= 0) return new RRule({ ...options, dtstart });
  return new RRule({
    ...pinDerivedDays(options, dtstart),
    dtstart: start.plus({ [unit]: intervals * interval }).toJSDate(),
  });
}

/**
 * Occurrences of `rule` starting on `validFrom`, one at each wall time of `times` in `zone` on each of its
 * days whose local date lies in [from, to] (the caller has already intersected it with the schedule's
 * validity). Two wall times that fall on one instant (both inside a spring-forward gap) make one occurrence.
 */
export function occurrences(
  rule: string,
  validFrom: string,
  times: readonly WallTime[],
  zone: string,
  from: string,
  to: string,
): Occurrence[] {
  return ruleNear(RRule.parseString(rule.replace(/^RRULE:/, '')), validFrom, from)
    .between(floating(from), new Date(floating(to).getTime() + 86_399_999), true)
    .flatMap((day) => {
      const localDate = day.toISOString().slice(0, 10);
      const instants = [...new Set(times.map((time) => zonedInstant(localDate, time, zone).getTime()))];
      return instants.map((instant) => ({ localDate, startsAt: new Date(instant) }));
    });
}
