import Decimal from 'decimal.js';
import { BadInput } from './errors';

const digitsByCurrency = new Map<string, number>();

/** Digits after the decimal point in an ISO 4217 currency (2 for EUR, 0 for JPY, 3 for BHD). */
export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    // Building a NumberFormat is slow, and prices are formatted on every booking and slot.
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

export function parseCurrency(field: string, value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !Intl.supportedValuesOf('currency').includes(code)) {
    throw new BadInput(field, `"${value}" is not an ISO 4217 currency code`);
  }
  return code;
}

/** Digits before the point that every money column (decimal(14,4)) can hold. */
const MAX_WHOLE_DIGITS = 10;

/** The largest amount the money columns (decimal(14,4)) hold. */
export const MAX_AMOUNT = new Decimal(10).pow(MAX_WHOLE_DIGITS).minus('0.0001');

/** A non-negative decimal amount with no more digits than the currency allows, as a normalised string. */
export function parseAmount(field: string, value: string, currency: string): string {
  const digits = minorDigits(currency);
  const match = new RegExp(`^([0-9]+)${digits === 0 ? '' : `(\\.[0-9]{1,${digits}})?`}$`).exec(value.trim());
  if (!match)
    throw new BadInput(field, `"${value.slice(0, 40)}" is not a decimal amount with at most ${digits} decimals`);
  if (match[1].replace(/^0+/, '').length > MAX_WHOLE_DIGITS)
    throw new BadInput(field, `must have at most ${MAX_WHOLE_DIGITS} digits before the point`);
  return new Decimal(value.trim()).toFixed(digits);
}

/** Rounds half-up to the currency's minor unit and formats with exactly that many digits. */
export function formatAmount(value: Decimal.Value, currency: string): string {
  return new Decimal(value)
    .toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP)
    .toFixed(minorDigits(currency));
}

/** An amount in the currency's minor unit (cents), as card networks count it. */
export function toMinor(value: Decimal.Value, currency: string): number {
  return new Decimal(value)
    .times(new Decimal(10).pow(minorDigits(currency)))
    .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
    .toNumber();
}

export function fromMinor(minor: number, currency: string): string {
  return new Decimal(minor).div(new Decimal(10).pow(minorDigits(currency))).toFixed(minorDigits(currency));
}
