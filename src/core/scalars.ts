import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { DateTime as Luxon } from 'luxon';

/** A value a scalar refuses; the error formatter answers it as BAD_USER_INPUT, also inside a literal. */
export class InvalidScalarValue extends Error {}

function badInput(message: string): InvalidScalarValue {
  return new InvalidScalarValue(message);
}

function wrapped(base: GraphQLScalarType, name: string, description: string): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    description,
    serialize: base.serialize,
    parseValue(value) {
      try {
        return base.parseValue(value);
      } catch (error) {
        throw badInput(`${name}: ${(error as Error).message}`);
      }
    },
    parseLiteral(ast: ValueNode, variables) {
      try {
        return base.parseLiteral(ast, variables);
      } catch (error) {
        throw badInput(`${name}: ${(error as Error).message}`);
      }
    },
  });
}

export const DateTimeScalar = wrapped(
  DateTimeResolver,
  'DateTime',
  'RFC 3339 instant with offset, e.g. 2026-12-01T08:00:00.000Z',
);

export const JSONScalar = new GraphQLScalarType({ ...JSONResolver.toConfig(), name: 'JSON' });

function parseCalendarDate(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !Luxon.fromISO(value, { zone: 'UTC' }).isValid) {
    throw badInput(`Date: "${String(value).slice(0, 40)}" is not a calendar date YYYY-MM-DD`);
  }
  return value;
}

/** A calendar date with no zone, kept as its YYYY-MM-DD text. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'calendar date, YYYY-MM-DD',
  serialize: (value) => parseCalendarDate(value),
  parseValue: parseCalendarDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('Date: expected a string YYYY-MM-DD');
    return parseCalendarDate(ast.value);
  },
});
