import { mailBody } from './booking-mail';

/**
 * The two emails an address that is not confirmed gets: fixed texts, with nothing any user chose in them
 * (no name, no service, no note), so that an account made with someone else's address cannot mail them
 * its words. `site` is the server's address (PUBLIC_URL), `link` the one that confirms the address.
 */
type Mail = { subject: string; text: string; html: string };

export const VERIFICATION_SUBJECT = 'Confirm your email address';

/** Sent at sign-up (and when asked for again): the link that confirms the account's address. */
export function verificationMail(site: string, link: string): Mail {
  const lines = [
    `An account was made with this email address at ${site}.`,
    '',
    `If it was you, confirm the address (the link works for 7 days): ${link}`,
    '',
    'If it was not you, ignore this email: nothing will be sent to this address in full until it is confirmed.',
  ];
  return { subject: VERIFICATION_SUBJECT, ...mailBody(lines, link, 'Confirm my email address') };
}

/** What an account whose address is not confirmed is mailed in place of each of its messages. */
export function unconfirmedNotice(site: string, link: string): Mail {
  const lines = [
    `There is a new message for your account at ${site}: sign in to read it.`,
    '',
    `This email address has not been confirmed yet, so messages are not sent to it in full. Confirm it (the link works for 7 days): ${link}`,
    '',
    'If you made no account there, ignore this email.',
  ];
  return { subject: 'You have a new message', ...mailBody(lines, link, 'Confirm my email address') };
}
