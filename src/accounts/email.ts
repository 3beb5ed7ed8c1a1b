import { BadInput } from '../core/errors';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Characters a reader cannot see or that change how text is shown: controls, format characters (zero-width
// space and joiners, bidi marks, soft hyphen), other default-ignorables, line and paragraph separators,
// private-use, unassigned and lone surrogates. Two addresses that look alike must be the same address.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/u;

/** An email as stored and compared: NFKC, trimmed, lower-cased; BAD_USER_INPUT on `field` when it cannot be one. */
export function parseEmail(value: string, field = 'email'): string {
  const email = value.normalize('NFKC').trim().toLowerCase();
  if (INVISIBLE.test(email)) throw new BadInput(field, 'must not contain invisible or control characters');
  if (email.length > 254 || !EMAIL.test(email)) throw new BadInput(field, 'is not an email address');
  return email;
}
