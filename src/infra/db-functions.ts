import type { EntityManager } from '@mikro-orm/postgresql';
import { ownFunctions, ownTriggers } from './db-functions.sql';
import { run } from '../core/sql';

/** The checked-in file that shows the database's own functions and triggers (`npm run schema:db` writes it). */
export const DB_FUNCTIONS_FILE = 'migrations/functions.sql';

const HEADER = `-- The database's own functions and triggers as the migrations leave them, written by \`npm run schema:db\`:
-- to read and review, not to run or edit. test/db-functions.test.ts fails while it is not current.`;

/** The text of DB_FUNCTIONS_FILE for the (migrated) database `em` is on: one definition a paragraph, sorted. */
export async function dbFunctionsText(em: { execute: EntityManager['execute'] }): Promise<string> {
  const functions = await run(em, ownFunctions());
  const triggers = await run(em, ownTriggers());
  const paragraphs = [
    HEADER,
    '-- Functions',
    ...functions.map(({ definition }) => `${definition.trimEnd()};`),
    '-- Triggers',
    ...triggers.map(({ definition }) => `${definition};`),
  ];
  return `${paragraphs.join('\n\n')}\n`;
}
