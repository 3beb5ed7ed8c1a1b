import { BadInput } from './errors';

const MAX_ID = 2_147_483_647;

/** Parses a GraphQL ID into the integer key of a row, or names the field that is wrong. */
export function parseId(field: string, value: string | number): number {
  const text = String(value);
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_ID) {
    throw new BadInput(field, `"${text.slice(0, 40)}" is not a valid id`);
  }
  return Number(text);
}
