import { en } from '../../src/i18n/en';
import { it as italian } from '../../src/i18n/it';
import { fromAcceptLanguage, parseLocale, translator } from '../../src/i18n';

describe('languages', () => {
  it.each([
    ['it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7', 'it'],
    ['en-GB,en;q=0.9,it;q=0.8', 'en'],
    ['de-DE,de;q=0.9,it;q=0.5', 'it'],
    ['fr;q=1, en;q=0.2, it;q=0.4', 'it'],
    ['IT', 'it'],
    ['it;q=0, en;q=0.1', 'en'],
    ['de, fr', null],
    ['', null],
    [undefined, null],
  ])('Accept-Language %p prefers %p', (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });

  it('fills placeholders, and a translation has the same placeholders as English in every message', () => {
    expect(translator('it')('field.party', { value: '2 adulti' })).toBe('Persone: 2 adulti');
    expect(translator('xx')('booking.created')).toBe('Booking confirmed');
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[])
      expect([key, names(italian[key])]).toEqual([key, names(en[key])]);
  });

  it('refuses a language it does not have, naming the field', () => {
    expect(parseLocale('locale', ' IT ')).toBe('it');
    expect(() => parseLocale('locale', 'de')).toThrow(expect.objectContaining({ details: { field: 'locale' } }));
  });
});
