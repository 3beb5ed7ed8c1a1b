import { mailBody } from './booking-mail';
import { translator } from '../i18n';

/**
 * The two emails an address that is not confirmed gets: fixed texts, with nothing any user chose in them
 * (no name, no service, no note), so that an account made with someone else's address cannot mail them
 * its words; in the account's language. `site` is the server's address (PUBLIC_URL), `link` the one that
 * confirms the address.
 */
type Mail = { subject: string; text: string; html: string };

/** Sent at sign-up (and when asked for again): the link that confirms the account's address. */
export function verificationMail(site: string, link: string, locale: string): Mail {
  const t = translator(locale);
  const lines = [t('address.made', { site }), '', t('address.confirm', { link }), '', t('address.notYou')];
  return { subject: t('address.subject'), ...mailBody(lines, link, t('address.button')) };
}

/** What an account whose address is not confirmed is mailed in place of each of its messages. */
export function unconfirmedNotice(site: string, link: string, locale: string): Mail {
  const t = translator(locale);
  const lines = [t('address.newMessage', { site }), '', t('address.unconfirmed', { link }), '', t('address.noAccount')];
  return { subject: t('address.noticeSubject'), ...mailBody(lines, link, t('address.button')) };
}
