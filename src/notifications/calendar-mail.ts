import { CALENDAR_NAMES, type CalendarKind } from '../calendars/calendar-api';
import { mailBody, oneLine } from './booking-mail';

/** The one email telling a provider that Google or Microsoft took back a calendar grant and how to resume the sync. */
export function calendarReconnectMail(
  kind: CalendarKind,
  accountEmail: string,
  link: string | null,
): { subject: string; text: string; html: string } {
  const names = CALENDAR_NAMES[kind];
  const lines = [
    `${names.company} no longer lets this server write to the calendar of ${accountEmail} (the access was revoked or has expired).`,
    '',
    'Your bookings are safe, but they are not copied to that calendar until you connect the account again.',
    'Once you do, everything missed is put back in step.',
    '',
    link ? `Reconnect at ${link}` : `Reconnect it with the ${names.connect} mutation of the API (or your booking app).`,
  ];
  return {
    subject: oneLine(`Reconnect your ${names.calendar} (${accountEmail})`),
    ...mailBody(lines, link, 'Reconnect'),
  };
}

/** The one email telling a provider that the busy times of a calendar account cannot be read, so slots they should close may be booked. */
export function calendarBusyUnreadableMail(
  kind: CalendarKind,
  accountEmail: string,
  error: string,
  link: string | null,
): { subject: string; text: string; html: string } {
  const names = CALENDAR_NAMES[kind];
  const lines = [
    `The busy times of the ${names.company} calendars of ${accountEmail} cannot be read right now, so they may not close your slots.`,
    `${names.company} answered: ${error}`,
    '',
    'Busy times read before still close the slots they overlap, and the server keeps trying. Until a read works again,',
    'a time you are busy in that calendar and made busy since may be booked. If it goes on, check the account, or turn',
    'blocking off (setCalendarBlocking) and close those slots by hand.',
    '',
    link
      ? `Your calendar connections: ${link}`
      : 'See your connections with the myCalendarConnections query of the API.',
  ];
  return {
    subject: oneLine(`Busy times of your ${names.calendar} cannot be read (${accountEmail})`),
    ...mailBody(lines, link, 'Your calendar connections'),
  };
}
