import { readerTime, wallTime, zoneAbbreviation } from '../../src/notifications/mail-time';

const WINTER = new Date('2026-01-10T08:00:00Z');
const SUMMER = new Date('2026-07-10T08:00:00Z');

describe('zone abbreviations in emails', () => {
  it.each([
    ['Europe/Rome', WINTER, 'CET', 'Sat 10 Jan 2026, 09:00 (CET)'],
    ['Europe/Rome', SUMMER, 'CEST', 'Fri 10 Jul 2026, 10:00 (CEST)'],
    ['America/New_York', WINTER, 'EST', 'Sat 10 Jan 2026, 03:00 (EST)'],
    ['America/New_York', SUMMER, 'EDT', 'Fri 10 Jul 2026, 04:00 (EDT)'],
    ['Europe/London', SUMMER, 'BST', 'Fri 10 Jul 2026, 09:00 (BST)'],
    ['Asia/Kolkata', WINTER, 'IST', 'Sat 10 Jan 2026, 13:30 (IST)'],
    ['Asia/Tokyo', WINTER, 'GMT+9', 'Sat 10 Jan 2026, 17:00 (GMT+9)'],
    ['UTC', WINTER, 'UTC', 'Sat 10 Jan 2026, 08:00 (UTC)'],
  ])('%s at %s reads %s', (zone, date, abbreviation, text) => {
    expect(zoneAbbreviation(date, zone)).toBe(abbreviation);
    expect(wallTime(date, zone)).toBe(text);
  });

  it("adds the service's wall time only when the reader's zone reads differently", () => {
    expect(readerTime(WINTER, 'Europe/Rome', 'Europe/Rome')).toBe('Sat 10 Jan 2026, 09:00 (CET)');
    expect(readerTime(WINTER, 'America/New_York', 'Europe/Rome')).toBe(
      'Sat 10 Jan 2026, 03:00 (EST); at the service: Sat 10 Jan 2026, 09:00 (CET)',
    );
  });
});
