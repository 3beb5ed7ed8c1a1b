import type { CalendarNames } from '../calendars/calendar-connector';
import { translator } from '../i18n';
import { mailBody, oneLine } from './booking-mail';

/** The one email telling a provider that Google or Microsoft took back a calendar grant and how to resume the sync; in the provider's language. */
export function calendarReconnectMail(
  names: CalendarNames,
  accountEmail: string,
  link: string | null,
  locale: string,
): { subject: string; text: string; html: string } {
  const t = translator(locale);
  const lines = [
    t('calendar.revoked', { company: names.company, account: accountEmail }),
    '',
    t('calendar.safe'),
    t('calendar.resync'),
    '',
    link ? t('calendar.reconnectAt', { link }) : t('calendar.reconnectApi', { mutation: names.connect }),
  ];
  return {
    subject: oneLine(t('calendar.reconnectSubject', { calendar: names.calendar, account: accountEmail })),
    ...mailBody(lines, link, t('calendar.reconnect')),
  };
}

/** The one email telling a provider that the busy times of a calendar account cannot be read, so slots they should close may be booked; in the provider's language. */
export function calendarBusyUnreadableMail(
  names: CalendarNames,
  accountEmail: string,
  error: string,
  link: string | null,
  locale: string,
): { subject: string; text: string; html: string } {
  const t = translator(locale);
  const lines = [
    t('calendar.unreadable', { company: names.company, account: accountEmail }),
    t('calendar.answered', { company: names.company, error }),
    '',
    t('calendar.busyKept'),
    t('calendar.busyRisk'),
    t('calendar.busyCheck'),
    '',
    link ? t('calendar.connectionsAt', { link }) : t('calendar.connectionsApi'),
  ];
  return {
    subject: oneLine(t('calendar.unreadableSubject', { calendar: names.calendar, account: accountEmail })),
    ...mailBody(lines, link, t('calendar.connections')),
  };
}
