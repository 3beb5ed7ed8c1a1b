import { availabilityLevel, monthRange } from '../../src/scheduling/availability';
import { AvailabilityLevel } from '../../src/scheduling/scheduling.enums';

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

describe('monthRange', () => {
  it('refuses what is not a month', () => {
    expect(() => monthRange('2028-00')).toThrow('month');
    expect(monthRange('2027-12')).toEqual({ first: '2027-12-01', last: '2027-12-31' });
  });

  it('ends the last month of year 9999 on its last day, and refuses years before 1970', () => {
    expect(monthRange('9999-12')).toEqual({ first: '9999-12-01', last: '9999-12-31' });
    expect(() => monthRange('0000-01')).toThrow('month: must be in the years 1970 to 9999');
    expect(() => monthRange('1969-12')).toThrow('month: must be in the years 1970 to 9999');
  });
});
