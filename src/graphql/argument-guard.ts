import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { printable } from '../core/validate';

/** graphql-js coerces input objects to objects without a prototype (scalars may return a Date, never one of these). */
const isInputObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && [null, Object.prototype].includes(Object.getPrototypeOf(value));

/**
 * Checks every string inside an argument value (lists and input objects included), naming it as the
 * domain does: by its path inside the argument (`recurrence.rrule` inside `input`), or the argument's name.
 */
function checkStrings(path: string, value: unknown): void {
  if (typeof value === 'string') printable(path, value);
  else if (Array.isArray(value)) for (const item of value) checkStrings(path, item);
  else if (isInputObject(value)) {
    for (const [key, item] of Object.entries(value)) checkStrings(path ? `${path}.${key}` : key, item);
  }
}

function guarded<T>(resolve: GraphQLFieldResolver<unknown, T>): GraphQLFieldResolver<unknown, T> {
  return (source, args: Record<string, unknown>, context, info) => {
    for (const [name, value] of Object.entries(args)) checkStrings(isInputObject(value) ? '' : name, value);
    return resolve(source, args, context, info);
  };
}

/**
 * Refuses control characters in every string argument of every field, before any resolver sees them,
 * so no text with NUL reaches the database and no field is forgotten (multi-line texts keep tab and
 * line feed; single-line ones refuse those in their own parser).
 */
export function refuseControlCharacters(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      field.resolve = guarded(field.resolve ?? defaultFieldResolver);
      if (field.subscribe) field.subscribe = guarded(field.subscribe);
    }
  }
  return schema;
}
