/** A PostgreSQL array literal of numbers or decimal strings, which never need quoting: one parameter for a whole list. */
export const pgArray = (values: readonly (number | string)[]): string => `{${values.join(',')}}`;
