import type { EntityManager } from '@mikro-orm/postgresql';

/** A PostgreSQL array literal of numbers or decimal strings, which never need quoting: one parameter for a whole list. */
export const pgArray = (values: readonly (number | string)[]): string => `{${values.join(',')}}`;

/** One SQL statement with its parameters (`?` placeholders, as MikroORM's `execute` takes them) and the rows it answers. */
export interface Statement<Row> {
  sql: string;
  params: unknown[];
  /** Never set: carries the row type from the `*.sql.ts` file that writes the statement to the code that runs it. */
  row?: Row;
}

/** Runs a statement of a `*.sql.ts` file on the transaction's (or request's) connection. */
export function run<Row>(em: { execute: EntityManager['execute'] }, statement: Statement<Row>): Promise<Row[]> {
  return em.execute<Row[]>(statement.sql, statement.params);
}

/** A connection of `pg` itself: the ones opened outside the ORM (the migration lock, the job leases, a new database's). */
interface PgConnection {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Runs a statement of a `*.sql.ts` file on a connection of `pg` itself, which numbers its placeholders (`$1`, `$2`, ...). */
export async function runOn<Row>(connection: PgConnection, statement: Statement<Row>): Promise<Row[]> {
  return (await connection.query(numberedPlaceholders(statement.sql), statement.params)).rows as Row[];
}

/** A statement's knex placeholders (`?`; `\\?` a literal question mark) as pg's numbered ones (`$1`, `$2`, ...). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\\\?|\?\??/g, (match) => {
    if (match === '\\?') return '?';
    if (match === '??') throw new Error('identifier placeholders are not sent numbered');
    return `$${++n}`;
  });
}
