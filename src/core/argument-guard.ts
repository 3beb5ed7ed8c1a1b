import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { printable } from './validate';

/** Checks every string inside an argument value (lists and input objects included), naming its path. */
function checkStrings(path: string, value: unknown): void {
  if (typeof value === 'string') printable(path, value);
  else if (Array.isArray(value)) value.forEach((item) => checkStrings(path, item));
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkStrings(`${path}.${key}`, item);
  }
}

function guarded<T>(resolve: GraphQLFieldResolver<unknown, T>): GraphQLFieldResolver<unknown, T> {
  return (source, args: Record<string, unknown>, context, info) => {
    for (const [name, value] of Object.entries(args)) checkStrings(name, value);
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
