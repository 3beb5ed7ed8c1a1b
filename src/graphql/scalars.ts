import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { DateTime as Luxon } from 'luxon';
import { CALENDAR_YEARS, inYears } from '../core/zoned-time';

/** A value a scalar refuses; the error formatter answers it as BAD_USER_INPUT, also inside a literal. */
export class InvalidScalarValue extends Error {}

function badInput(message: string): InvalidScalarValue {
  return new InvalidScalarValue(message);
}

/** A refused value as it appears in a message: short, whatever was sent. */
function shown(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value.slice(0, 40) : value)?.slice(0, 60) ?? String(value);
}

function parseInstant(value: unknown): Date {
  let parsed: Date;
  try {
    parsed = DateTimeResolver.parseValue(value) as Date;
  } catch {
    throw badInput(`DateTime: ${shown(value)} is not an RFC 3339 date-time with offset`);
  }
  if (!inYears(CALENDAR_YEARS, parsed.getUTCFullYear())) {
    throw badInput(`DateTime: ${shown(value)} is not in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`);
  }
  return parsed;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: `RFC 3339 instant with offset, e.g. 2026-12-01T08:00:00.000Z, in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last} (UTC)`,
  serialize: DateTimeResolver.serialize,
  parseValue: parseInstant,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime: expected a string');
    return parseInstant(ast.value);
  },
});

export const JSONScalar = new GraphQLScalarType({ ...JSONResolver.toConfig(), name: 'JSON' });

const notCalendarDate = (value: unknown) => badInput(`Date: ${shown(value)} is not a calendar date YYYY-MM-DD`);

/** What the API gives back (already stored as a date) is only checked for its shape. */
function calendarDateShape(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw notCalendarDate(value);
  return value;
}

/** What the API takes must be a date of the calendar in its years. */
function parseCalendarDate(value: unknown): string {
  const date = calendarDateShape(value);
  if (!Luxon.fromISO(date, { zone: 'UTC' }).isValid) throw notCalendarDate(value);
  if (!inYears(CALENDAR_YEARS, Number(date.slice(0, 4)))) {
    throw badInput(`Date: ${shown(value)} is not in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`);
  }
  return date;
}

/** A calendar date with no zone, kept as its YYYY-MM-DD text. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: `calendar date, YYYY-MM-DD, in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`,
  serialize: calendarDateShape,
  parseValue: parseCalendarDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('Date: expected a string YYYY-MM-DD');
    return parseCalendarDate(ast.value);
  },
});
