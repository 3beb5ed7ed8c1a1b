import { translator } from '../i18n';
import type { Contact } from './contact';

/** What a booking says of whom it is for and what they need. */
export interface GuestFacts {
  contact?: Contact | null;
  specialRequirements?: string | null;
  dietaryRestrictions?: string | null;
  accessibilityNeeds?: string | null;
}

/**
 * The lines that tell a provider whom a booking is for (the guest's name and how to reach them) and what
 * the party needs, diet and accessibility (a safety matter): the same in its emails and its calendars.
 */
export function guestLines(
  { contact, specialRequirements, dietaryRestrictions, accessibilityNeeds }: GuestFacts,
  locale = 'en',
): string[] {
  const t = translator(locale);
  return [
    ...(contact
      ? [
          t('field.guest', {
            value: [contact.name, contact.email, contact.phone, contact.company].filter(Boolean).join(', '),
          }),
        ]
      : []),
    ...(specialRequirements ? [t('field.needs', { value: specialRequirements })] : []),
    ...(dietaryRestrictions ? [t('field.diet', { value: dietaryRestrictions })] : []),
    ...(accessibilityNeeds ? [t('field.accessibility', { value: accessibilityNeeds })] : []),
  ];
}
