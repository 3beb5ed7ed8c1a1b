import { mailBody, oneLine } from './booking-mail';

/** The one email telling a provider that Google took back a calendar grant and how to resume the sync. */
export function calendarReconnectMail(
  accountEmail: string,
  link: string | null,
): { subject: string; text: string; html: string } {
  const lines = [
    `Google no longer lets this server write to the calendar of ${accountEmail} (the access was revoked or has expired).`,
    '',
    'Your bookings are safe, but they are not copied to that calendar until you connect the account again.',
    'Once you do, everything missed is put back in step.',
    '',
    link
      ? `Reconnect at ${link}`
      : 'Reconnect it with the connectGoogleCalendar mutation of the API (or your booking app).',
  ];
  return {
    subject: oneLine(`Reconnect your Google Calendar (${accountEmail})`),
    ...mailBody(lines, link, 'Reconnect'),
  };
}
