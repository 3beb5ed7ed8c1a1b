import { BadInput } from '../core/errors';

// One plain address: a dot-atom local part (RFC 5322 atext, and letters and digits of any script) at a
// domain of letter-digit-hyphen labels. No quoted local part and none of , ; < > ( ) : " [ ] \ or spaces,
// which a mail library reads as list or display-name syntax: such a "one address" could reach another.
const ATEXT = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LABEL = '[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}])?';
const EMAIL = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*@${LABEL}(?:\\.${LABEL})+$`, 'u');
// Characters a reader cannot see or that change how text is shown: controls, format characters (zero-width
// space and joiners, bidi marks, soft hyphen), other default-ignorables, line and paragraph separators,
// private-use, unassigned and lone surrogates. Two addresses that look alike must be the same address.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/u;

/** Whether `address` is one plain address, as parseEmail admits (the mailer sends to nothing else). */
export function isPlainAddress(address: string): boolean {
  return address.length <= 254 && EMAIL.test(address) && !INVISIBLE.test(address);
}

/** An email as stored and compared: NFKC, trimmed, lower-cased; BAD_USER_INPUT on `field` when it cannot be one. */
export function parseEmail(value: string, field = 'email'): string {
  const email = value.normalize('NFKC').trim().toLowerCase();
  if (INVISIBLE.test(email)) throw new BadInput(field, 'must not contain invisible or control characters');
  if (!isPlainAddress(email)) throw new BadInput(field, 'is not an email address');
  return email;
}
