import { occurrences, ruleFor } from '../../src/scheduling/recurrence';
import { Frequency, Weekday } from '../../src/scheduling/scheduling.enums';
import { zonedInstant } from '../../src/core/zoned-time';

const nine = { hour: 9, minute: 0 };

describe('ruleFor', () => {
  it('writes RRULEs for the simple frequencies', () => {
    expect(ruleFor({ frequency: Frequency.ONCE })).toBe('RRULE:FREQ=DAILY;COUNT=1');
    expect(ruleFor({ frequency: Frequency.WEEKLY, interval: 2, weekdays: [Weekday.MO, Weekday.FR] })).toBe('RRULE:INTERVAL=2;FREQ=WEEKLY;BYDAY=MO,FR');
    expect(ruleFor({ frequency: Frequency.MONTHLY })).toBe('RRULE:INTERVAL=1;FREQ=MONTHLY');
    expect(ruleFor({ frequency: Frequency.DAILY, rrule: 'FREQ=WEEKLY;BYDAY=SA' })).toBe('RRULE:FREQ=WEEKLY;BYDAY=SA');
  });

  it.each([
    [{ frequency: Frequency.DAILY, weekdays: [Weekday.MO] }, 'recurrence.weekdays'],
    [{ frequency: Frequency.DAILY, interval: 0 }, 'recurrence.interval'],
    [{ frequency: Frequency.DAILY, rrule: 'FREQ=DAILY;DTSTART=20260101' }, 'recurrence.rrule'],
    [{ frequency: Frequency.DAILY, rrule: 'FREQ=MINUTELY' }, 'recurrence.rrule'],
    [{ frequency: Frequency.DAILY, rrule: 'nonsense' }, 'recurrence.rrule'],
    [{ frequency: Frequency.DAILY, rrule: 'FREQ=DAILY;INTERVAL=-3' }, 'recurrence.rrule'],
  ])('refuses %j naming %s', (spec, field) => {
    expect(() => ruleFor(spec)).toThrow(field);
  });
});

describe('occurrences', () => {
  it('keeps wall time across DST in the zone', () => {
    const found = occurrences('RRULE:FREQ=DAILY', '2027-03-27', nine, 'Europe/Rome', '2027-03-27', '2027-03-28');
    expect(found.map((o) => [o.localDate, o.startsAt.toISOString()])).toEqual([
      ['2027-03-27', '2027-03-27T08:00:00.000Z'],
      ['2027-03-28', '2027-03-28T07:00:00.000Z'],
    ]);
  });

  it('starts biweekly rules on validFrom, not on the window', () => {
    const found = occurrences(ruleFor({ frequency: Frequency.WEEKLY, interval: 2 }), '2027-01-04', nine, 'UTC', '2027-01-10', '2027-02-01');
    expect(found.map((o) => o.localDate)).toEqual(['2027-01-18', '2027-02-01']);
  });
});

describe('zonedInstant', () => {
  it('moves skipped times forward and takes the earlier repeated instant', () => {
    expect(zonedInstant('2027-03-28', { hour: 2, minute: 30 }, 'Europe/Rome').toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(zonedInstant('2027-10-31', { hour: 2, minute: 30 }, 'Europe/Rome').toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(zonedInstant('2027-11-07', { hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe('2027-11-07T05:30:00.000Z');
  });
});
