import type { Statement } from '../core/sql';

/** Whether a database of that name exists on the server. */
export const databaseExists = (name: string): Statement<{ one: number }> => ({
  sql: 'select 1 as one from pg_database where datname = ?',
  params: [name],
});

/** Makes a database (a name is an identifier, never a parameter: its double quotes are dropped). */
export const createDatabase = (name: string): Statement<never> => ({
  sql: `create database "${name.replace(/"/g, '')}"`,
  params: [],
});

/** Waits for the session advisory lock `key`, held until it is unlocked or the session ends. */
export const advisoryLock = (key: number): Statement<never> => ({
  sql: 'select pg_advisory_lock(?)',
  params: [key],
});
