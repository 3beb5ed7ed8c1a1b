import { blackoutCovers, blackoutPeriods, covered } from '../../src/scheduling/blackout-periods';
import { hhmm, parseWorkingHours, slotStarts } from '../../src/scheduling/working-hours';

const times = (starts: { hour: number; minute: number }[]) => starts.map((t) => hhmm(t.hour * 60 + t.minute));

describe('slotStarts', () => {
  it('steps through each working stretch while a slot still ends inside it', () => {
    const hours = parseWorkingHours(
      { startTime: '09:00', endTime: '12:00', slotMinutes: 30, breaks: [{ start: '10:15', end: '10:45' }] },
      60,
    );
    expect(times(slotStarts(hours, 60))).toEqual(['09:00', '10:45']);
    expect(times(slotStarts(hours, 30))).toEqual(['09:00', '09:30', '10:45', '11:15']);
  });

  it('reaches the end of the day with 24:00 and keeps breaks in order', () => {
    const hours = parseWorkingHours(
      {
        startTime: '20:00',
        endTime: '24:00',
        slotMinutes: 60,
        breaks: [
          { start: '22:00', end: '23:00' },
          { start: '20:00', end: '21:00' },
        ],
      },
      60,
    );
    expect(hours.breaks).toEqual([
      { start: '20:00', end: '21:00' },
      { start: '22:00', end: '23:00' },
    ]);
    expect(times(slotStarts(hours, 60))).toEqual(['21:00', '23:00']);
  });

  it.each([
    [{ startTime: '09:00', endTime: '09:00' }, 'endTime'],
    [{ startTime: '09:00', endTime: '24:01' }, 'endTime'],
    [{ startTime: '24:00', endTime: '24:00' }, 'startTime'],
    [{ startTime: '09:00', endTime: '17:00', slotMinutes: 1441 }, 'slotMinutes'],
    [{ startTime: '09:00', endTime: '17:00', breaks: [{ start: '13:00', end: '12:00' }] }, 'breaks.0.end'],
    [{ startTime: '09:00', endTime: '10:00', breaks: [{ start: '09:00', end: '10:00' }] }, 'durationMinutes'],
  ])('refuses %j naming %s', (input, field) => {
    expect(() => parseWorkingHours(input, 30)).toThrow(field);
  });
});

describe('blackout periods', () => {
  const partDay = {
    startsOn: '2027-03-27',
    endsOn: '2027-03-28',
    allDay: false,
    startTime: '12:00:00',
    endTime: '24:00',
  };

  it('are each date’s time in the zone, across a DST change', () => {
    expect(
      blackoutPeriods(partDay, 'Europe/Rome', '2027-03-01', '2027-03-31').map((p) => [
        p.start.toISOString(),
        p.end.toISOString(),
      ]),
    ).toEqual([
      ['2027-03-27T11:00:00.000Z', '2027-03-27T23:00:00.000Z'],
      ['2027-03-28T10:00:00.000Z', '2027-03-28T22:00:00.000Z'],
    ]);
  });

  it('cover a slot by its time when part-day, by its local date when whole-day', () => {
    const slot = (start: string, end: string, localDate: string) => ({
      start: new Date(start),
      end: new Date(end),
      localDate,
    });
    expect(
      blackoutCovers(partDay, slot('2027-03-27T10:00:00Z', '2027-03-27T11:00:00Z', '2027-03-27'), 'Europe/Rome'),
    ).toBe(false);
    expect(
      blackoutCovers(partDay, slot('2027-03-27T10:30:00Z', '2027-03-27T11:30:00Z', '2027-03-27'), 'Europe/Rome'),
    ).toBe(true);
    const wholeDay = { startsOn: '2027-03-27', endsOn: '2027-03-27', allDay: true };
    expect(
      blackoutCovers(wholeDay, slot('2027-03-26T22:30:00Z', '2027-03-26T23:30:00Z', '2027-03-26'), 'Europe/Rome'),
    ).toBe(false);
    expect(
      blackoutCovers(wholeDay, slot('2027-03-26T23:30:00Z', '2027-03-27T00:30:00Z', '2027-03-27'), 'Europe/Rome'),
    ).toBe(true);
  });

  it('cover a span only without a gap', () => {
    const at = (iso: string) => new Date(iso);
    const periods = [
      { start: at('2027-01-01T12:00:00Z'), end: at('2027-01-02T00:00:00Z') },
      { start: at('2027-01-01T00:00:00Z'), end: at('2027-01-01T12:00:00Z') },
    ];
    expect(covered(periods, at('2027-01-01T00:00:00Z'), at('2027-01-02T00:00:00Z'))).toBe(true);
    expect(covered(periods.slice(0, 1), at('2027-01-01T00:00:00Z'), at('2027-01-02T00:00:00Z'))).toBe(false);
  });
});
