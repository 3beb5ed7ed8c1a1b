import { RRule } from 'rrule';
import { occurrences, ruleFor } from '../../src/scheduling/recurrence';
import { Frequency, Weekday } from '../../src/scheduling/scheduling.enums';
import { zonedInstant } from '../../src/core/zoned-time';

const nine = [{ hour: 9, minute: 0 }];

describe('ruleFor', () => {
  it('writes RRULEs for the simple frequencies', () => {
    expect(ruleFor({ frequency: Frequency.ONCE }, '2027-01-04')).toBe('RRULE:FREQ=DAILY;COUNT=1');
    expect(
      ruleFor({ frequency: Frequency.WEEKLY, interval: 2, weekdays: [Weekday.MO, Weekday.FR] }, '2027-01-04'),
    ).toBe('RRULE:INTERVAL=2;FREQ=WEEKLY;BYDAY=MO,FR');
    expect(ruleFor({ frequency: Frequency.MONTHLY }, '2027-01-04')).toBe('RRULE:INTERVAL=1;FREQ=MONTHLY');
    expect(ruleFor({ frequency: Frequency.DAILY, rrule: 'FREQ=WEEKLY;BYDAY=SA' }, '2027-01-04')).toBe(
      'RRULE:FREQ=WEEKLY;BYDAY=SA',
    );
  });

  it('needs no frequency when rrule is given', () => {
    expect(ruleFor({ rrule: 'FREQ=MONTHLY;BYDAY=+1MO' }, '2027-01-04')).toBe('RRULE:FREQ=MONTHLY;BYDAY=+1MO');
    expect(ruleFor({ frequency: null, rrule: 'FREQ=DAILY' }, '2027-01-04')).toBe('RRULE:FREQ=DAILY');
  });

  it('takes rare and sparse rules that do occur, in their phase from validFrom (a Monday)', () => {
    for (const rule of [
      'FREQ=DAILY;INTERVAL=7;BYDAY=MO',
      'FREQ=YEARLY;INTERVAL=100',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO',
      'FREQ=DAILY;COUNT=3',
    ]) {
      expect(ruleFor({ rrule: rule }, '2027-01-04')).toBe(`RRULE:${rule}`);
    }
  });

  it.each([
    [{ frequency: Frequency.DAILY, weekdays: [Weekday.MO] }, 'recurrence.weekdays'],
    [{ frequency: Frequency.DAILY, interval: 0 }, 'recurrence.interval'],
    [{ frequency: Frequency.DAILY, rrule: 'FREQ=DAILY;DTSTART=20260101' }, 'recurrence.rrule'],
    [{ frequency: Frequency.DAILY, rrule: 'FREQ=MINUTELY' }, 'recurrence.rrule'],
    [{ frequency: Frequency.DAILY, rrule: 'nonsense' }, 'recurrence.rrule'],
    [{ frequency: Frequency.DAILY, rrule: 'FREQ=DAILY;INTERVAL=-3' }, 'recurrence.rrule'],
    [{ rrule: `FREQ=DAILY;BYMONTHDAY=${Array(200).fill(1).join(',')}` }, 'recurrence.rrule'],
    [{ rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' }, 'recurrence.rrule'],
    [{ rrule: 'FREQ=DAILY;INTERVAL=7;BYDAY=TU' }, 'recurrence.rrule'],
    [{ rrule: 'FREQ=MONTHLY;BYMONTHDAY=1;BYSETPOS=2' }, 'recurrence.rrule'],
    [{ rrule: 'FREQ=YEARLY;BYEASTER=0' }, 'recurrence.rrule'],
    [{}, 'recurrence.frequency'],
    [{ interval: 2 }, 'recurrence.frequency'],
  ])('refuses %j naming %s', (spec, field) => {
    expect(() => ruleFor(spec, '2027-01-04')).toThrow(field);
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
    const found = occurrences(
      ruleFor({ frequency: Frequency.WEEKLY, interval: 2 }, '2027-01-04'),
      '2027-01-04',
      nine,
      'UTC',
      '2027-01-10',
      '2027-02-01',
    );
    expect(found.map((o) => o.localDate)).toEqual(['2027-01-18', '2027-02-01']);
  });
});

describe('occurrences of an old schedule', () => {
  /** What rrule itself gives when it walks every period from validFrom: the slow oracle. */
  function walked(rule: string, validFrom: string, from: string, to: string): string[] {
    const recurrence = new RRule({
      ...RRule.parseString(rule.replace(/^RRULE:/, '')),
      dtstart: new Date(`${validFrom}T00:00:00Z`),
    });
    return recurrence
      .between(new Date(`${from}T00:00:00Z`), new Date(`${to}T23:59:59.999Z`), true)
      .map((day) => day.toISOString().slice(0, 10));
  }

  it.each([
    ['RRULE:FREQ=DAILY', '2000-01-01'],
    ['RRULE:INTERVAL=3;FREQ=DAILY', '2001-05-07'],
    ['RRULE:INTERVAL=2;FREQ=WEEKLY', '2000-01-05'],
    ['RRULE:INTERVAL=3;FREQ=WEEKLY;BYDAY=MO,FR', '2003-06-12'],
    ['RRULE:FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,SA', '2000-02-29'],
    ['RRULE:INTERVAL=1;FREQ=MONTHLY', '2000-01-31'],
    ['RRULE:INTERVAL=5;FREQ=MONTHLY', '2000-03-30'],
    ['RRULE:FREQ=MONTHLY;BYDAY=-1FR', '2004-02-10'],
    ['RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU;BYSETPOS=2', '2004-02-10'],
    ['RRULE:FREQ=MONTHLY;BYMONTHDAY=-1', '2000-01-15'],
    ['RRULE:FREQ=YEARLY', '2000-02-29'],
    ['RRULE:FREQ=YEARLY;INTERVAL=3;BYMONTH=3,9', '2001-01-20'],
    ['RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO', '2002-01-01'],
    ['RRULE:FREQ=YEARLY;BYYEARDAY=100,-1', '2002-01-01'],
    ['RRULE:FREQ=DAILY;COUNT=40000', '2000-01-01'],
    ['RRULE:FREQ=DAILY;UNTIL=20991231T000000Z', '2000-01-01'],
  ])('%s from %s gives what walking from validFrom gives', (rule, validFrom) => {
    for (const [from, to] of [
      ['2000-01-01', '2000-03-01'],
      ['2099-03-01', '2100-02-28'],
      ['2037-12-20', '2038-01-10'],
    ]) {
      expect(occurrences(rule, validFrom, nine, 'UTC', from, to).map((o) => o.localDate)).toEqual(
        walked(rule, validFrom, from, to),
      );
    }
  });
});

describe('zonedInstant', () => {
  it('moves skipped times forward and takes the earlier repeated instant', () => {
    expect(zonedInstant('2027-03-28', { hour: 2, minute: 30 }, 'Europe/Rome').toISOString()).toBe(
      '2027-03-28T01:30:00.000Z',
    );
    expect(zonedInstant('2027-10-31', { hour: 2, minute: 30 }, 'Europe/Rome').toISOString()).toBe(
      '2027-10-31T00:30:00.000Z',
    );
    expect(zonedInstant('2027-11-07', { hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe(
      '2027-11-07T05:30:00.000Z',
    );
  });
});
