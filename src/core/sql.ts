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

/**
 * A piece of SQL that carries its own values: its text has a `?` where each of `values` goes, in order.
 * Pieces are put together with `sql` templates, so that a value never travels apart from its place.
 */
export class Fragment {
  constructor(
    readonly text: string,
    readonly values: readonly unknown[],
  ) {}

  /** The whole statement this fragment is, with the type of its rows. */
  statement<Row>(): Statement<Row> {
    return { sql: this.text, params: [...this.values] };
  }
}

/**
 * A fragment from a template: a `${fragment}` goes in with its values, anything else goes in as one
 * parameter. Text that is not a value (an identifier from a closed set, a name made here) is `raw`.
 */
export function sql(strings: TemplateStringsArray, ...holes: unknown[]): Fragment {
  let text = strings[0];
  const values: unknown[] = [];
  holes.forEach((hole, i) => {
    if (hole instanceof Fragment) {
      text += hole.text;
      values.push(...hole.values);
    } else {
      text += '?';
      values.push(hole);
    }
    text += strings[i + 1];
  });
  return new Fragment(text, values);
}

/** Text put into a statement as it is: only identifiers from a closed set, or names the code itself makes. */
export const raw = (text: string): Fragment => new Fragment(text, []);

/** Fragments one after the other, `separator` between them. */
export function joined(fragments: readonly Fragment[], separator = ', '): Fragment {
  return new Fragment(
    fragments.map((fragment) => fragment.text).join(separator),
    fragments.flatMap((fragment) => fragment.values),
  );
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
