import { availabilityLevel, monthRange, summariseMonth } from '../../src/scheduling/availability';
import { AvailabilityLevel, SlotStatus } from '../../src/scheduling/scheduling.enums';

describe('availabilityLevel', () => {
  it.each([
    [0, 10, AvailabilityLevel.NONE],
    [1, 10, AvailabilityLevel.LOW],
    [2, 10, AvailabilityLevel.MEDIUM],
    [4, 10, AvailabilityLevel.MEDIUM],
    [5, 10, AvailabilityLevel.HIGH],
    [10, 10, AvailabilityLevel.HIGH],
    [3, 0, AvailabilityLevel.NONE],
  ])('%i of %i seats is %s', (available, capacity, level) => {
    expect(availabilityLevel(available, capacity)).toBe(level);
  });
});

describe('summariseMonth', () => {
  it('has one entry per date, counts open slots only, and marks blackouts', () => {
    const slot = (localDate: string, status: SlotStatus, capacity: number, seatsAvailable: number) => ({ localDate, status, capacity, seatsAvailable });
    const days = summariseMonth(
      '2028-02',
      [slot('2028-02-01', SlotStatus.OPEN, 10, 6), slot('2028-02-01', SlotStatus.CLOSED, 10, 0), slot('2028-02-29', SlotStatus.OPEN, 4, 0)],
      [{ startsOn: '2028-01-30', endsOn: '2028-02-02' }],
    );
    expect(days).toHaveLength(29);
    expect(days[0]).toEqual({ date: '2028-02-01', slotCount: 1, availableSpots: 6, level: AvailabilityLevel.HIGH, blackout: true });
    expect(days[2].blackout).toBe(false);
    expect(days[28]).toEqual({ date: '2028-02-29', slotCount: 1, availableSpots: 0, level: AvailabilityLevel.NONE, blackout: false });
  });

  it('refuses what is not a month', () => {
    expect(() => monthRange('2028-00')).toThrow('month');
    expect(monthRange('2027-12')).toEqual({ first: '2027-12-01', last: '2027-12-31' });
  });

  it('ends the last month of year 9999 on its last day, and refuses years before 1970', () => {
    const days = summariseMonth('9999-12', [], []);
    expect([days.length, days[30].date]).toEqual([31, '9999-12-31']);
    expect(() => monthRange('0000-01')).toThrow('month: must be in the years 1970 to 9999');
    expect(() => monthRange('1969-12')).toThrow('month: must be in the years 1970 to 9999');
  });
});
